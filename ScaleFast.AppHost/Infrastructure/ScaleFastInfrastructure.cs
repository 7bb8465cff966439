using ScaleFast.Hosting.Local;

namespace ScaleFast.AppHost.Infrastructure;

/// <summary>
/// The servers the services connect to, whatever runs them. Names and connection strings are the
/// same in every mode: <c>scalefast</c> (the Postgres database), <c>redis</c>, <c>rabbitmq</c> and <c>mail</c>.
/// </summary>
/// <param name="Mode">The mode the servers run in: containers or local.</param>
/// <param name="Database">The <c>scalefast</c> database on the <c>postgres</c> server.</param>
/// <param name="Redis">The <c>redis</c> server.</param>
/// <param name="RabbitMQ">The <c>rabbitmq</c> broker.</param>
/// <param name="Mail">The <c>mail</c> SMTP sink (smtp4dev).</param>
/// <param name="BrokerMetrics">
/// The broker's Prometheus endpoint (queue depths) as this machine reaches it; none for a container,
/// whose metrics stay on the container network.
/// </param>
public sealed record ScaleFastInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> RabbitMQ,
    IResourceBuilder<IResourceWithConnectionString> Mail,
    EndpointReference? BrokerMetrics)
{
    /// <summary>Local mode: where the servers keep their data.</summary>
    public string? DataDirectory => Local?.DataDirectory;

    /// <summary>Local mode: the resolved binaries and the data root, for servers added later.</summary>
    internal LocalServers? Local { get; init; }
}
