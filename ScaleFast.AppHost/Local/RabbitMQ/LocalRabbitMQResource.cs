using System.Runtime.Versioning;
using ScaleFast.AppHost.Local.Tls;

namespace ScaleFast.AppHost.Local.RabbitMQ;

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
[UnsupportedOSPlatform("windows")]
public sealed class LocalRabbitMQResource(string name, string command, string dataDirectory, ParameterResource userName, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string ManagementEndpointName = "management";
    internal const string MetricsEndpointName = Monitoring.BrokerMetrics.EndpointName;

    /// <summary>The node's directory.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The broker user.</summary>
    public ParameterResource UserNameParameter { get; } = userName;

    /// <summary>The broker user's password.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The AMQP endpoint.</summary>
    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>
    /// Signs the Prometheus plugin's server certificate and the client certificates it accepts:
    /// a scraper needs one issued here (<see cref="LocalCertificateAuthority.IssueClient"/>).
    /// </summary>
    internal LocalCertificateAuthority MetricsAuthority { get; init; } = null!;

    /// <summary>The management UI and HTTP API.</summary>
    public EndpointReference ManagementEndpoint => new(this, ManagementEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserNameParameter}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
