namespace ScaleFast.Settings;

/// <summary>
/// Whether the API and the workers map their benchmark endpoints (section <c>Benchmark</c>). Only a
/// benchmark build (<c>-p:ScaleFastBenchmarks=true</c>) has them; the AppHost forwards its own
/// <c>Benchmark</c> section to both and refuses <see cref="Enabled"/> in any other build.
/// </summary>
public sealed class BenchmarkOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Benchmark";

    /// <summary>The key of <see cref="Enabled"/>, for services that read it before their options exist.</summary>
    public const string EnabledKey = SectionName + ":" + nameof(Enabled);

    /// <summary>Maps the API's <c>/bench/products/{id}</c> and the workers' <c>/bench/jobs/*</c>. Default false.</summary>
    public bool Enabled { get; set; }
}
