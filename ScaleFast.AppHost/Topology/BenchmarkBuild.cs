using System.Reflection;
using ScaleFast.Settings;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// Whether this AppHost was built as a benchmark build (<c>dotnet build -p:ScaleFastBenchmarks=true</c>),
/// which builds the services with their <c>/bench/*</c> endpoints and benchmark consumers; the
/// production build has none of them (<c>Directory.Build.targets</c>).
/// </summary>
internal static class BenchmarkBuild
{
    private const string Property = "ScaleFastBenchmarks";

    public static bool IsBenchmarkBuild { get; } = typeof(BenchmarkBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Any(metadata => metadata.Key == Property && string.Equals(metadata.Value, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>Refuses <see cref="BenchmarkOptions.Enabled"/> in a build whose services lack the endpoints.</summary>
    /// <exception cref="ScaleFastSetupException">The knob is on and this is not a benchmark build.</exception>
    public static void RequireFor(BenchmarkOptions benchmark)
    {
        if (benchmark.Enabled && !IsBenchmarkBuild)
        {
            throw new ScaleFastSetupException(
                $"{BenchmarkOptions.EnabledKey} needs the services' benchmark endpoints, which only a benchmark build has. " +
                $"Build with -p:{Property}=true: dotnet run -p:{Property}=true --project ScaleFast.AppHost -- --{BenchmarkOptions.EnabledKey} true " +
                "(bench/api.sh and bench/worker.sh build that way).");
        }
    }
}
