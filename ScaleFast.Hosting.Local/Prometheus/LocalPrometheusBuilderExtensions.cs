using System.Globalization;
using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>Adds Prometheus servers that run from the installed <c>prometheus</c>.</summary>
[UnsupportedOSPlatform("windows")]
public static class LocalPrometheusBuilderExtensions
{
    /// <summary>
    /// Adds Prometheus on a free loopback port, its time-series database in its own data directory,
    /// reading <see cref="LocalPrometheusResource.ConfigurationFile"/> and
    /// <see cref="LocalPrometheusResource.WebConfigurationFile"/>, and with the lifecycle API on (so
    /// that a changed configuration can be reloaded).
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="servers">The programs and data directory, from <see cref="LocalServersBuilderExtensions.PrepareLocalServers"/>.</param>
    /// <returns>
    /// The resource builder. The app writes both configuration files before each start (in
    /// <c>OnBeforeResourceStarted</c>, once the scrape targets' endpoints are known) and adds a
    /// health check on <c>/-/ready</c> with the credentials its web configuration asks for.
    /// </returns>
    public static IResourceBuilder<LocalPrometheusResource> AddLocalPrometheus(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, LocalServers servers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(servers);

        var prometheus = new LocalPrometheusResource(name, servers.Binaries[LocalBinary.Prometheus], servers.DataDirectoryOf(name));
        var port = FreePorts.Next();

        return builder.AddResource(prometheus)
            .WithHttpEndpoint(port: port, targetPort: port, name: LocalPrometheusResource.HttpEndpointName, isProxied: false)
            .WithArgs(
                $"--config.file={prometheus.ConfigurationFile}",
                $"--web.config.file={prometheus.WebConfigurationFile}",
                $"--storage.tsdb.path={prometheus.StorageDirectory}",
                $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                "--web.enable-lifecycle")
            .WithUrlForEndpoint(LocalPrometheusResource.HttpEndpointName, url => url.DisplayText = "Prometheus")
            .WithIconName("DataHistogram")
            .OnBeforeResourceStarted((resource, _, _) =>
            {
                Directory.CreateDirectory(resource.StorageDirectory);
                return Task.CompletedTask;
            });
    }
}
