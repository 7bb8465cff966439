using ScaleFast.Api.Benchmark;

namespace ScaleFast.Api.Extensions;

/// <summary>The benchmark build's part: maps <see cref="BenchmarkApi"/>.</summary>
internal static partial class BenchmarkExtensions
{
    static partial void MapBenchmarkApi(WebApplication app) => app.MapBenchmarkApi();
}
