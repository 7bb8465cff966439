using MassTransit;

namespace ScaleFast.Worker.Extensions;

/// <summary>
/// Where the benchmark endpoints and consumers (<c>Benchmark/</c>) plug in. They are compiled only
/// into a benchmark build (<c>dotnet build -p:ScaleFastBenchmarks=true</c>, as <c>bench/</c> builds),
/// and added there only with <c>Benchmark:Enabled</c>. In the production build the partial methods
/// have no body, and the compiler drops their calls.
/// </summary>
internal static partial class BenchmarkExtensions
{
    public static IBusRegistrationConfigurator AddBenchmarkConsumers(this IBusRegistrationConfigurator bus, IHostApplicationBuilder builder)
    {
        AddConsumers(bus, builder);
        return bus;
    }

    public static WebApplication MapBenchmarkEndpoints(this WebApplication app)
    {
        MapBenchmarkApi(app);
        return app;
    }

    static partial void AddConsumers(IBusRegistrationConfigurator bus, IHostApplicationBuilder builder);

    static partial void MapBenchmarkApi(WebApplication app);
}
