namespace ScaleFast.Api.Extensions;

/// <summary>
/// Where the benchmark endpoints (<c>Benchmark/</c>) plug in. They are compiled only into a
/// benchmark build (<c>dotnet build -p:ScaleFastBenchmarks=true</c>, as <c>bench/</c> builds), and
/// mapped there only with <c>Benchmark:Enabled</c>. In the production build the partial method has
/// no body, and the compiler drops its call.
/// </summary>
internal static partial class BenchmarkExtensions
{
    public static WebApplication MapBenchmarkEndpoints(this WebApplication app)
    {
        MapBenchmarkApi(app);
        return app;
    }

    static partial void MapBenchmarkApi(WebApplication app);
}
