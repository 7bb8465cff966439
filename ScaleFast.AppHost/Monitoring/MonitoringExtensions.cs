using System.Runtime.Versioning;
using ScaleFast.AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScaleFast.Contracts;
using ScaleFast.Hosting.Local;

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

    /// <summary>The parameter with the password of Prometheus' UI and API (user <see cref="PrometheusConfig.UserName"/>).</summary>
    public const string PasswordParameter = "prometheus-password";

    private static readonly HttpClient HealthProbe = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static void AddScaleFastPrometheus(
        this IDistributedApplicationBuilder builder,
        ScaleFastOptions options,
        ScaleFastInfrastructure infrastructure,
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets)
    {
        var rulesDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "monitoring", "prometheus", "rules"));
        var password = builder.AddParameter(
            PasswordParameter, new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);

        if (infrastructure.Mode == InfrastructureMode.Local && !OperatingSystem.IsWindows())
        {
            builder.AddLocalProcessPrometheus(options, infrastructure, rulesDirectory, targets, password);
        }
        else
        {
            builder.AddContainerPrometheus(options, rulesDirectory, targets, infrastructure.RabbitMQ.Resource, password);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void AddLocalProcessPrometheus(
        this IDistributedApplicationBuilder builder, ScaleFastOptions options, ScaleFastInfrastructure infrastructure, string rulesDirectory,
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets, IResourceBuilder<ParameterResource> password)
    {
        // The broker's metrics listener takes only clients its own authority signed.
        var brokerClient = ((LocalRabbitMQResource)infrastructure.RabbitMQ.Resource).IssueMetricsClientCertificate(ResourceNames.Prometheus);

        builder.AddLocalPrometheus(ResourceNames.Prometheus, infrastructure.Local!)
            .OnBeforeResourceStarted(async (resource, _, ct) =>
            {
                var directory = resource.DataDirectory;
                var brokerTls = await brokerClient.WriteAsync(Path.Combine(directory, "tls"), ResourceNames.RabbitMQ, ct);
                var broker = await AddressAsync(infrastructure.BrokerMetrics!, KnownNetworkIdentifiers.LocalhostNetwork, ct);
                var files = await RenderConfigurationAsync(options, targets, broker, brokerTls, password.Resource, directory,
                    Path.Combine(rulesDirectory, "*.yml"), KnownNetworkIdentifiers.LocalhostNetwork, ct);
                foreach (var (name, contents) in files)
                {
                    await File.WriteAllTextAsync(Path.Combine(directory, name), contents, ct);
                }
            })
            .WithAuthenticatedReadinessCheck(builder, password.Resource);
    }

    private static void AddContainerPrometheus(
        this IDistributedApplicationBuilder builder, ScaleFastOptions options, string rulesDirectory,
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets, IResource broker,
        IResourceBuilder<ParameterResource> password)
    {
        var prometheus = builder.AddContainer(ResourceNames.Prometheus, ContainerImage, ContainerTag)
            .WithImageFrom(options.ContainerImages, LocalContainerImages.Prometheus)
            .WithBindMount(rulesDirectory, $"{ContainerConfigDirectory}/rules", isReadOnly: true)
            .WithData(options, (server, directory) => server.WithBindMount(directory, "/prometheus"), server => server.WithVolume("scalefast-prometheus-data", "/prometheus"))
            // Written as the container is created: by then the services' addresses on its network are known.
            .WithContainerFiles(ContainerConfigDirectory, async (_, ct) =>
                (await RenderConfigurationAsync(options, targets, BrokerMetrics.OnContainerNetwork(broker), brokerTls: null, password.Resource, ContainerConfigDirectory,
                    $"{ContainerConfigDirectory}/rules/*.yml", KnownNetworkIdentifiers.DefaultAspireContainerNetwork, ct))
                .Select(file => (ContainerFileSystemItem)new ContainerFile { Name = file.Key, Contents = file.Value }))
            .WithArgs(
                $"--config.file={ContainerConfigDirectory}/{PrometheusConfig.ConfigurationFileName}",
                $"--web.config.file={ContainerConfigDirectory}/{PrometheusConfig.WebConfigFileName}",
                "--storage.tsdb.path=/prometheus",
                "--web.enable-lifecycle")
            .WithHttpEndpoint(targetPort: 9090, name: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Prometheus")
            .WithAuthenticatedReadinessCheck(builder, password.Resource);

        // The services listen on loopback only. Referencing their metrics endpoints is what makes DCP
        // reach them from the container network, through its container-to-host tunnel.
        foreach (var (_, service) in targets)
        {
            prometheus.WithReference(service.GetEndpoint(ServiceEndpoints.ManagementEndpointName));
        }

        if (options.ContainerImages == ContainerImageSource.Official)
        {
            builder.AddScaleFastGrafana(options, prometheus, password);
        }
    }

    /// <summary>
    /// Prometheus' readiness (<c>/-/ready</c>) asked with its user and password: behind basic
    /// authentication, an anonymous probe only ever sees 401.
    /// </summary>
    private static IResourceBuilder<T> WithAuthenticatedReadinessCheck<T>(
        this IResourceBuilder<T> prometheus, IDistributedApplicationBuilder builder, ParameterResource password)
        where T : IResourceWithEndpoints
    {
        var key = $"{prometheus.Resource.Name}_ready";
        var endpoint = prometheus.GetEndpoint(LocalPrometheusResource.HttpEndpointName);
        builder.Services.AddHealthChecks().AddAsyncCheck(key, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(endpoint.Url), "/-/ready"));
            request.Headers.Authorization = PrometheusConfig.Authorization(await password.GetValueAsync(ct) ?? string.Empty);
            try
            {
                using var response = await HealthProbe.SendAsync(request, ct);
                return response.IsSuccessStatusCode
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"Prometheus answered {(int)response.StatusCode} on /-/ready.");
            }
            catch (HttpRequestException e)
            {
                return HealthCheckResult.Unhealthy("Prometheus does not answer.", e);
            }
        });
        return prometheus.WithHealthCheck(key);
    }

    /// <summary>
    /// prometheus.yml, web.yml and thresholds.yml by file name. Paths and addresses inside them are as
    /// Prometheus sees them: the directory as <paramref name="directoryAsSeen"/>, the rule files as
    /// <paramref name="rulesGlobAsSeen"/>, each service's address as on <paramref name="network"/>,
    /// the broker's metrics at <paramref name="broker"/> (host:port).
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> RenderConfigurationAsync(
        ScaleFastOptions options,
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets,
        string broker,
        CertificateFiles? brokerTls,
        ParameterResource password,
        string directoryAsSeen,
        string rulesGlobAsSeen,
        NetworkIdentifier network,
        CancellationToken cancellationToken)
    {
        var brokerTarget = new ScrapeTarget(ResourceNames.RabbitMQ, ResourceNames.RabbitMQ, broker, BrokerMetrics.MetricsPath, BrokerMetrics.Families, brokerTls);
        var scrapeTargets = (await ResolveAsync(targets, network, cancellationToken)).Append(brokerTarget);

        return new Dictionary<string, string>
        {
            [PrometheusConfig.WebConfigFileName] = PrometheusConfig.RenderWebConfig(await password.GetValueAsync(cancellationToken) ?? string.Empty),
            [PrometheusConfig.ThresholdsFileName] = PrometheusConfig.RenderThresholds(options),
            [PrometheusConfig.ConfigurationFileName] =
                PrometheusConfig.RenderScrapeConfig(scrapeTargets, rulesGlobAsSeen, $"{directoryAsSeen}/{PrometheusConfig.ThresholdsFileName}"),
        };
    }

    private static async Task<IReadOnlyList<ScrapeTarget>> ResolveAsync(
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets, NetworkIdentifier network, CancellationToken cancellationToken)
    {
        var resolved = new List<ScrapeTarget>();
        foreach (var (job, service) in targets)
        {
            var address = await AddressAsync(service.GetEndpoint(ServiceEndpoints.ManagementEndpointName), network, cancellationToken);
            resolved.Add(new ScrapeTarget(job, service.Resource.Name, address));
        }

        return resolved;
    }

    /// <summary>host:port of <paramref name="endpoint"/> as seen from <paramref name="network"/>.</summary>
    private static async Task<string> AddressAsync(EndpointReference endpoint, NetworkIdentifier network, CancellationToken cancellationToken) =>
        await new EndpointReference(endpoint.Resource, endpoint.EndpointName, network).Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The endpoint '{endpoint.EndpointName}' of '{endpoint.Resource.Name}' has no address on network '{network}'.");
}
