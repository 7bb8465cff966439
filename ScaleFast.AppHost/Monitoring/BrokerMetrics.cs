using ScaleFast.Hosting.Local;

namespace ScaleFast.AppHost.Monitoring;

/// <summary>
/// RabbitMQ's own Prometheus endpoint (the <c>rabbitmq_prometheus</c> plugin): queue depth and
/// consumers per queue, which Prometheus scrapes as job <c>rabbitmq</c>.
/// </summary>
internal static class BrokerMetrics
{
    /// <summary>The broker resource's endpoint for the plugin, named alike in every mode.</summary>
    public const string EndpointName = LocalRabbitMQResource.MetricsEndpointName;

    /// <summary>The plugin's port inside the container.</summary>
    public const int ContainerPort = 15692;

    /// <summary>Per-queue figures, unaggregated: <c>rabbitmq_detailed_queue_messages_ready{queue=…}</c> and the like.</summary>
    public const string MetricsPath = "/metrics/detailed";

    /// <summary>The metric families asked for: queue depths and consumer counts.</summary>
    public static readonly string[] Families = ["queue_coarse_metrics", "queue_consumer_count"];

    /// <summary>
    /// host:port of the metrics of the <paramref name="broker"/> container on the app's container
    /// network, where its resource name is its host name. In run mode the port is not published:
    /// the metrics answer anyone who reaches them, and only Prometheus, beside it, needs them.
    /// </summary>
    public static string OnContainerNetwork(IResource broker) => $"{broker.Name}:{ContainerPort}";
}
