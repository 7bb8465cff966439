namespace ScaleFast.Hosting.Local;

/// <summary>Prometheus run from the installed <c>prometheus</c> binary, on loopback.</summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The path of <c>prometheus</c>.</param>
/// <param name="dataDirectory">Its directory: configuration and the time-series database (also the working directory).</param>
public sealed class LocalPrometheusResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory)
{
    /// <summary>The name of the configuration file (scrape targets, rule files): Prometheus' own default.</summary>
    public const string ConfigurationFileName = "prometheus.yml";

    /// <summary>The name of the web configuration file (<c>--web.config.file</c>: TLS, basic authentication).</summary>
    public const string WebConfigurationFileName = "web.yml";

    /// <summary>The name of the endpoint of the UI and HTTP API.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>Its directory, where the configuration files go.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The configuration file, which the app writes before each start.</summary>
    public string ConfigurationFile => Path.Combine(DataDirectory, ConfigurationFileName);

    /// <summary>The web configuration file, which the app writes before each start.</summary>
    public string WebConfigurationFile => Path.Combine(DataDirectory, WebConfigurationFileName);

    /// <summary>The time-series database.</summary>
    public string StorageDirectory => Path.Combine(DataDirectory, "data");

    /// <summary>The UI and HTTP API.</summary>
    public EndpointReference HttpEndpoint => new(this, HttpEndpointName);
}
