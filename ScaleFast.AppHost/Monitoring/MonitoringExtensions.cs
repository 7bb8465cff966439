using System.Globalization;
using System.Runtime.Versioning;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Local;
using ScaleFast.AppHost.Topology;

namespace ScaleFast.AppHost.Monitoring;

/// <summary>
/// The <c>prometheus</c> resource: scrapes <c>/metrics</c> of every API instance, worker and the
/// gateway, and the broker's queue metrics, every 5 s, with the resource name as the
/// <c>instance</c> label, and evaluates the alert rules in <c>monitoring/prometheus/rules</c>.
/// </summary>
internal static class MonitoringExtensions
{
    private const string ContainerImage = "prom/prometheus";
    private const string ContainerTag = "v2.55.1";
    private const string ContainerConfigDirectory = "/etc/scalefast";

    public static void AddScaleFastPrometheus(
        this IDistributedApplicationBuilder builder,
        ScaleFastOptions options,
        ScaleFastInfrastructure infrastructure,
        IReadOnlyList<(string Job, IResourceBuilder<ProjectResource> Service)> targets)
    {
        var rulesDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "monitoring", "prometheus", "rules"));

        if (infrastructure.Mode == InfrastructureMode.Local && !OperatingSystem.IsWindows())
        {
            builder.AddLocalPrometheus(options, infrastructure.Local!, rulesDirectory, targets, infrastructure.BrokerMetrics);
        }
        else
        {
            builder.AddContainerPrometheus(options, rulesDirectory, targets, infrastructure.BrokerMetrics);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void AddLocalPrometheus(
        this IDistributedApplicationBuilder builder, ScaleFastOptions options, LocalServers servers, string rulesDirectory,
        IReadOnlyList<(string Job, IResourceBuilder<ProjectResource> Service)> targets, EndpointReference broker)
    {
        var prometheus = new LocalPrometheusResource(ResourceNames.Prometheus, servers.Binaries[LocalBinary.Prometheus], servers.DataDirectoryOf(ResourceNames.Prometheus));
        var port = FreePorts.Next();

        builder.AddResource(prometheus)
            .WithHttpEndpoint(port: port, targetPort: port, name: LocalPrometheusResource.HttpEndpointName, isProxied: false)
            .WithArgs(
                $"--config.file={prometheus.ConfigurationFile}",
                $"--storage.tsdb.path={prometheus.StorageDirectory}",
                $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                "--web.enable-lifecycle")
            .WithUrlForEndpoint(LocalPrometheusResource.HttpEndpointName, url => url.DisplayText = "Prometheus")
            .WithIconName("DataHistogram")
            .OnBeforeResourceStarted(async (resource, _, ct) =>
            {
                Directory.CreateDirectory(resource.StorageDirectory);
                var directory = Path.GetDirectoryName(resource.ConfigurationFile)!;
                await WriteConfigurationAsync(options, targets, broker, directory, directory, Path.Combine(rulesDirectory, "*.yml"), t => t, ct);
            })
            .WithHttpHealthCheck("/-/ready");
    }

    private static void AddContainerPrometheus(
        this IDistributedApplicationBuilder builder, ScaleFastOptions options, string rulesDirectory,
        IReadOnlyList<(string Job, IResourceBuilder<ProjectResource> Service)> targets, EndpointReference broker)
    {
        // The configuration is generated at each start into the AppHost's obj folder and mounted;
        // from the container, the services are reached through the host's address.
        var configDirectory = Path.Combine(builder.AppHostDirectory, "obj", "prometheus");
        Directory.CreateDirectory(configDirectory);

        var prometheus = builder.AddContainer(ResourceNames.Prometheus, ContainerImage, ContainerTag)
            .WithBindMount(configDirectory, ContainerConfigDirectory, isReadOnly: true)
            .WithBindMount(rulesDirectory, $"{ContainerConfigDirectory}/rules", isReadOnly: true)
            .WithVolume("scalefast-prometheus-data", "/prometheus")
            .WithArgs($"--config.file={ContainerConfigDirectory}/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.enable-lifecycle")
            .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
            .WithHttpEndpoint(targetPort: 9090, name: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Prometheus")
            .OnBeforeResourceStarted(async (_, _, ct) =>
                await WriteConfigurationAsync(options, targets, broker, configDirectory, ContainerConfigDirectory, $"{ContainerConfigDirectory}/rules/*.yml",
                    t => t with { Address = $"host.docker.internal:{t.Address.Split(':')[^1]}" }, ct))
            .WithHttpHealthCheck("/-/ready");

        builder.AddScaleFastGrafana(prometheus);
    }

    /// <summary>
    /// Writes prometheus.yml and thresholds.yml into <paramref name="directory"/>. Paths inside them are
    /// as Prometheus sees them: the directory as <paramref name="directoryAsSeen"/>, the rule files as
    /// <paramref name="rulesGlobAsSeen"/>, each target's address through <paramref name="addressAsSeen"/>.
    /// </summary>
    private static async Task WriteConfigurationAsync(
        ScaleFastOptions options,
        IReadOnlyList<(string Job, IResourceBuilder<ProjectResource> Service)> targets,
        EndpointReference broker,
        string directory,
        string directoryAsSeen,
        string rulesGlobAsSeen,
        Func<ScrapeTarget, ScrapeTarget> addressAsSeen,
        CancellationToken cancellationToken)
    {
        var brokerTarget = new ScrapeTarget(ResourceNames.RabbitMQ, broker.Resource.Name,
            (await broker.Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken))!, BrokerMetrics.MetricsPath, BrokerMetrics.Families);
        var scrapeTargets = (await ResolveAsync(targets, cancellationToken)).Append(brokerTarget).Select(addressAsSeen);

        await File.WriteAllTextAsync(Path.Combine(directory, PrometheusConfig.ThresholdsFileName), PrometheusConfig.RenderThresholds(options), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, PrometheusConfig.ConfigurationFileName),
            PrometheusConfig.RenderScrapeConfig(scrapeTargets, rulesGlobAsSeen, $"{directoryAsSeen}/{PrometheusConfig.ThresholdsFileName}"), cancellationToken);
    }

    private static async Task<IReadOnlyList<ScrapeTarget>> ResolveAsync(
        IReadOnlyList<(string Job, IResourceBuilder<ProjectResource> Service)> targets, CancellationToken cancellationToken)
    {
        var resolved = new List<ScrapeTarget>();
        foreach (var (job, service) in targets)
        {
            var address = await service.GetEndpoint(ScaleFastTopologyExtensions.ManagementEndpointName).Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken);
            resolved.Add(new ScrapeTarget(job, service.Resource.Name, address!));
        }

        return resolved;
    }
}
