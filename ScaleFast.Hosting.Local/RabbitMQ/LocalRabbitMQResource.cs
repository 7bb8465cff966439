namespace ScaleFast.Hosting.Local;

/// <summary>
/// A RabbitMQ broker run from the installed <c>rabbitmq-server</c> with its own node, ports and
/// directories, and a non-guest user. Its connection string is the container integration's
/// <c>amqp://user:password@host:port</c>.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The path of the <c>rabbitmq-server</c> script.</param>
/// <param name="dataDirectory">The node's directory: database, logs, configuration (also the working directory).</param>
/// <param name="userName">The broker user.</param>
/// <param name="password">The broker user's password.</param>
public sealed class LocalRabbitMQResource(string name, string command, string dataDirectory, ParameterResource userName, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the endpoint of the Prometheus plugin (HTTPS, client certificate required).</summary>
    public const string MetricsEndpointName = "metrics";

    internal const string PrimaryEndpointName = "tcp";
    internal const string ManagementEndpointName = "management";

    /// <summary>The node's directory.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The broker user.</summary>
    public ParameterResource UserNameParameter { get; } = userName;

    /// <summary>The broker user's password.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The AMQP endpoint.</summary>
    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>The management UI and HTTP API.</summary>
    public EndpointReference ManagementEndpoint => new(this, ManagementEndpointName);

    /// <summary>The Prometheus plugin's endpoint: HTTPS, for clients with a certificate from <see cref="IssueMetricsClientCertificate"/>.</summary>
    public EndpointReference MetricsEndpoint => new(this, MetricsEndpointName);

    /// <summary>
    /// Signs the Prometheus plugin's server certificate and the client certificates it accepts. It
    /// lives as long as this AppHost run: nothing it issues is trusted anywhere else.
    /// </summary>
    internal LocalCertificateAuthority MetricsAuthority { get; init; } = null!;

    /// <summary>
    /// Issues a client certificate the Prometheus plugin accepts: the plugin has no password of its
    /// own, so a scraper proves itself with a certificate of the broker's own authority.
    /// </summary>
    /// <param name="clientName">The client's name, the certificate's common name.</param>
    /// <returns>The certificate, its key and the authority's certificate (which the client trusts for the server's).</returns>
    public IssuedCertificate IssueMetricsClientCertificate(string clientName)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        return MetricsAuthority.IssueClient(clientName);
    }

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserNameParameter}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
