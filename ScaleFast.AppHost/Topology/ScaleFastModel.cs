using ScaleFast.AppHost.Kubernetes;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// The knobs of one ScaleFast app, read and validated before any resource is added: the app model's
/// (<c>ScaleFast:*</c>), the services' own sections, the Kubernetes publisher when publishing, and the
/// connection pool budget they imply.
/// </summary>
/// <param name="Options">The app model's knobs.</param>
/// <param name="Settings">The services' knobs, as the AppHost forwards them.</param>
/// <param name="PoolBudget">Each instance's share of the database's connections.</param>
/// <param name="Kubernetes">The Kubernetes publisher, when publishing with <c>--publisher kubernetes</c>.</param>
internal sealed record ScaleFastModel(
    ScaleFastOptions Options, ServiceSettings Settings, DatabasePoolBudget PoolBudget, KubernetesPublisher? Kubernetes)
{
    /// <summary>Reads and validates the configuration of <paramref name="builder"/>.</summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <returns>The model's knobs.</returns>
    /// <exception cref="ScaleFastSetupException">A knob is invalid; the message names its key.</exception>
    public static ScaleFastModel Read(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = ScaleFastOptionsReader.Read(builder.Configuration);
        var settings = ServiceSettings.Read(builder.Configuration);
        var kubernetes = KubernetesPublisher.Create(builder, options, settings);
        BenchmarkBuild.RequireFor(settings.Benchmark);

        // API instances and workers all hold a pool: the budget is shared by both. Each worker also
        // keeps one connection outside its pool, listening for outbox notifications.
        var poolBudget = kubernetes?.PoolBudget
            ?? DatabasePoolBudget.For(options, instances: options.ApiReplicas + options.WorkerReplicas, unpooled: options.WorkerReplicas);
        return new ScaleFastModel(options, settings, poolBudget, kubernetes);
    }
}
