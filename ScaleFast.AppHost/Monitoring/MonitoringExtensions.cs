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
            builder.AddContainerPrometheus(options, rulesDirectory, targets, infrastructure.BrokerMetrics, password);
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
                await WriteConfigurationAsync(options, targets, infrastructure.BrokerMetrics, brokerTls, password.Resource, directory, directory,
                    Path.Combine(rulesDirectory, "*.yml"), t => t, ct);
            })
            .WithAuthenticatedReadinessCheck(builder, password.Resource);
    }

    private static void AddContainerPrometheus(
        this IDistributedApplicationBuilder builder, ScaleFastOptions options, string rulesDirectory,
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets, EndpointReference broker,
        IResourceBuilder<ParameterResource> password)
    {
        // The configuration is generated at each start into the AppHost's obj folder and mounted;
        // from the container, the services are reached through the host's address.
        var configDirectory = Path.Combine(builder.AppHostDirectory, "obj", "prometheus");
        Directory.CreateDirectory(configDirectory);

        var prometheus = builder.AddContainer(ResourceNames.Prometheus, ContainerImage, ContainerTag)
            .WithBindMount(configDirectory, ContainerConfigDirectory, isReadOnly: true)
            .WithBindMount(rulesDirectory, $"{ContainerConfigDirectory}/rules", isReadOnly: true)
            .WithVolume("scalefast-prometheus-data", "/prometheus")
            .WithArgs(
                $"--config.file={ContainerConfigDirectory}/{PrometheusConfig.ConfigurationFileName}",
                $"--web.config.file={ContainerConfigDirectory}/{PrometheusConfig.WebConfigFileName}",
                "--storage.tsdb.path=/prometheus",
                "--web.enable-lifecycle")
            .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
            .WithHttpEndpoint(targetPort: 9090, name: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Prometheus")
            .OnBeforeResourceStarted(async (_, _, ct) =>
                await WriteConfigurationAsync(options, targets, broker, brokerTls: null, password.Resource, configDirectory, ContainerConfigDirectory,
                    $"{ContainerConfigDirectory}/rules/*.yml", t => t with { Address = $"host.docker.internal:{t.Address.Split(':')[^1]}" }, ct))
            .WithAuthenticatedReadinessCheck(builder, password.Resource);

        builder.AddScaleFastGrafana(prometheus, password);
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
    /// Writes prometheus.yml, web.yml and thresholds.yml into <paramref name="directory"/>. Paths inside them are
    /// as Prometheus sees them: the directory as <paramref name="directoryAsSeen"/>, the rule files as
    /// <paramref name="rulesGlobAsSeen"/>, each target's address through <paramref name="addressAsSeen"/>.
    /// </summary>
    private static async Task WriteConfigurationAsync(
        ScaleFastOptions options,
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets,
        EndpointReference broker,
        CertificateFiles? brokerTls,
        ParameterResource password,
        string directory,
        string directoryAsSeen,
        string rulesGlobAsSeen,
        Func<ScrapeTarget, ScrapeTarget> addressAsSeen,
        CancellationToken cancellationToken)
    {
        var brokerTarget = new ScrapeTarget(ResourceNames.RabbitMQ, broker.Resource.Name,
            (await broker.Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken))!, BrokerMetrics.MetricsPath, BrokerMetrics.Families, brokerTls);
        var scrapeTargets = (await ResolveAsync(targets, cancellationToken)).Append(brokerTarget).Select(addressAsSeen);

        await File.WriteAllTextAsync(Path.Combine(directory, PrometheusConfig.WebConfigFileName),
            PrometheusConfig.RenderWebConfig(await password.GetValueAsync(cancellationToken) ?? string.Empty), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, PrometheusConfig.ThresholdsFileName), PrometheusConfig.RenderThresholds(options), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, PrometheusConfig.ConfigurationFileName),
            PrometheusConfig.RenderScrapeConfig(scrapeTargets, rulesGlobAsSeen, $"{directoryAsSeen}/{PrometheusConfig.ThresholdsFileName}"), cancellationToken);
    }

    private static async Task<IReadOnlyList<ScrapeTarget>> ResolveAsync(
        IReadOnlyList<(string Job, IResourceBuilder<IResourceWithEndpoints> Service)> targets, CancellationToken cancellationToken)
    {
        var resolved = new List<ScrapeTarget>();
        foreach (var (job, service) in targets)
        {
            var address = await service.GetEndpoint(ServiceEndpoints.ManagementEndpointName).Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken);
            resolved.Add(new ScrapeTarget(job, service.Resource.Name, address!));
        }

        return resolved;
    }
}
