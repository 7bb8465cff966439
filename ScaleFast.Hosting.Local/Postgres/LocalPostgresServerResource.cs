namespace ScaleFast.Hosting.Local;

/// <summary>
/// A PostgreSQL server run from the installed binaries. Its connection string has the same shape
/// as the container integration's, so the services cannot tell the two apart.
/// </summary>
public sealed class LocalPostgresServerResource : ExecutableResource, IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string UserName = "postgres";

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the resource.</summary>
    /// <param name="name">The resource name.</param>
    /// <param name="command">The program DCP starts: <c>postgres</c>, or <c>setpriv</c> when switching user.</param>
    /// <param name="dataDirectory">The cluster's data directory (also the working directory).</param>
    /// <param name="password">The superuser's password.</param>
    public LocalPostgresServerResource(string name, string command, string dataDirectory, ParameterResource password)
        : base(name, command, dataDirectory)
    {
        DataDirectory = dataDirectory;
        PasswordParameter = password;
        PrimaryEndpoint = new EndpointReference(this, PrimaryEndpointName);
    }

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The superuser's password, generated unless configured.</summary>
    public ParameterResource PasswordParameter { get; }

    /// <summary>The TCP endpoint clients connect to.</summary>
    public EndpointReference PrimaryEndpoint { get; }

    /// <summary>Databases created when the server is ready: resource name → database name.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");

    internal void AddDatabase(string resourceName, string databaseName) => _databases.TryAdd(resourceName, databaseName);
}
