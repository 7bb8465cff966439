using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Settings;

/// <summary>
/// How the gateway finds the pods behind a <c>dns+</c> destination address (section
/// <c>Gateway:Discovery</c>). Destinations with other addresses are used as they are.
/// </summary>
public sealed class PodDiscoveryOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Gateway:Discovery";

    /// <summary>
    /// The scheme prefix that asks for discovery: <c>dns+http://api:8080</c> becomes one destination
    /// per address the name <c>api</c> resolves to (a Kubernetes headless Service: one per ready pod).
    /// </summary>
    public const string DnsSchemePrefix = "dns+";

    /// <summary>How often names are resolved again, so that added and removed pods are followed. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);
}
