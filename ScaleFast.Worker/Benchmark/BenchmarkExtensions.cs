using MassTransit;
using ScaleFast.Contracts;
using ScaleFast.Worker.Benchmark;

namespace ScaleFast.Worker.Extensions;

/// <summary>The benchmark build's part: <see cref="BenchmarkApi"/> and its consumers, with <c>Benchmark:Enabled</c>.</summary>
internal static partial class BenchmarkExtensions
{
    static partial void AddConsumers(IBusRegistrationConfigurator bus, IHostApplicationBuilder builder)
    {
        if (!BenchmarkApi.IsEnabled(builder.Configuration))
        {
            return;
        }

        builder.Services.AddSingleton<BenchmarkRun>();
        bus.AddConsumer<BenchmarkJobConsumer>().Endpoint(endpoint => endpoint.Name = WorkerQueues.BenchmarkJob);
        bus.AddConsumer<BenchmarkBatchedJobConsumer>(consumer => consumer.Options<BatchOptions>(batch => batch
                .SetMessageLimit(BenchmarkBatchedJobConsumer.MessageLimit)
                .SetTimeLimit(TimeSpan.FromMilliseconds(10))
                .SetConcurrencyLimit(2)))
            .Endpoint(endpoint =>
            {
                endpoint.Name = WorkerQueues.BenchmarkBatchedJob;
                endpoint.PrefetchCount = 2 * BenchmarkBatchedJobConsumer.MessageLimit;
            });
        bus.AddConsumer<BenchmarkPingConsumer>().Endpoint(endpoint => endpoint.Name = WorkerQueues.BenchmarkPing);
    }

    static partial void MapBenchmarkApi(WebApplication app) => app.MapBenchmarkApi();
}
