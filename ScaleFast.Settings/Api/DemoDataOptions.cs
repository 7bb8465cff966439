using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Settings;

/// <summary>
/// Demo data knobs (section <c>DemoData</c>). The AppHost forwards its own <c>DemoData</c> section to
/// every API instance and validates it with this class at start.
/// </summary>
public sealed class DemoDataOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "DemoData";

    /// <summary>
    /// How many deterministic demo products to make sure exist at start. Default 0 (none); the AppHost's
    /// <c>appsettings.json</c> asks for the demo catalog the benchmarks and the lab commands use.
    /// </summary>
    [Range(0, 1_000_000)]
    public int Products { get; set; }
}
