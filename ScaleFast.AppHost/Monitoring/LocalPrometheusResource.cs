namespace ScaleFast.AppHost.Monitoring;

/// <summary>Prometheus run from the installed <c>prometheus</c> binary, on loopback.</summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The path of <c>prometheus</c>.</param>
/// <param name="dataDirectory">Its directory: generated configuration and the time-series database.</param>
public sealed class LocalPrometheusResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory)
{
    internal const string HttpEndpointName = "http";

    /// <summary>The generated configuration file.</summary>
    public string ConfigurationFile { get; } = Path.Combine(dataDirectory, "prometheus.yml");

    /// <summary>The time-series database.</summary>
    public string StorageDirectory { get; } = Path.Combine(dataDirectory, "data");
}
