namespace ScaleFast.Hosting.Local;

/// <summary>A Redis server run from the installed <c>redis-server</c>, password required.</summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The path of <c>redis-server</c>.</param>
/// <param name="dataDirectory">Where the append-only file and snapshots live (also the working directory).</param>
/// <param name="password">The password every client must give (<c>requirepass</c>).</param>
public sealed class LocalRedisResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    /// <summary>Where the append-only file and snapshots live.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The password every client must give.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The TCP endpoint clients connect to.</summary>
    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>The generated configuration file, written before each start.</summary>
    public string ConfigurationFile => Path.Combine(DataDirectory, "redis.conf");

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}
