using ScaleFast.AppHost.Infrastructure;

namespace ScaleFast.AppHost.Monitoring;

/// <summary>
/// The <c>grafana</c> resource (container mode only): Prometheus provisioned as its data source and
/// the dashboards of <c>monitoring/grafana/dashboards</c>, behind a generated admin password.
/// </summary>
internal static class GrafanaExtensions
{
    private const string ContainerImage = "grafana/grafana";
    private const string ContainerTag = "11.6.0";
    private const string AdminPasswordParameter = "grafana-password";
    private const string DashboardsDirectory = "/etc/grafana/dashboards";

    public static void AddScaleFastGrafana(
        this IDistributedApplicationBuilder builder, ScaleFastOptions options, IResourceBuilder<ContainerResource> prometheus,
        IResourceBuilder<ParameterResource> prometheusPassword)
    {
        var grafanaDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "monitoring", "grafana"));
        var password = builder.AddParameter(
            AdminPasswordParameter, new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);

        builder.AddContainer(ResourceNames.Grafana, ContainerImage, ContainerTag)
            .WithBindMount(Path.Combine(grafanaDirectory, "provisioning"), "/etc/grafana/provisioning", isReadOnly: true)
            .WithBindMount(Path.Combine(grafanaDirectory, "dashboards"), DashboardsDirectory, isReadOnly: true)
            .WithData(options, (server, directory) => server.WithBindMount(directory, "/var/lib/grafana"), server => server.WithVolume("scalefast-grafana-data", "/var/lib/grafana"))
            .WithEnvironment("GF_SECURITY_ADMIN_USER", "admin")
            .WithEnvironment("GF_SECURITY_ADMIN_PASSWORD", password)
            .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", "false")
            // Read by the provisioned data source: Prometheus asks for its user and password.
            .WithEnvironment("PROMETHEUS_USER", PrometheusConfig.UserName)
            .WithEnvironment("PROMETHEUS_PASSWORD", prometheusPassword)
            .WithEnvironment("GF_USERS_ALLOW_SIGN_UP", "false")
            .WithEnvironment("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", $"{DashboardsDirectory}/scalefast-overview.json")
            .WithHttpEndpoint(targetPort: 3000, name: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Grafana")
            .WithHttpHealthCheck("/api/health")
            .WithIconName("ChartMultiple")
            .WaitFor(prometheus);
    }
}
