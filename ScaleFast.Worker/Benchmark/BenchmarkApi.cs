using System.Diagnostics;
using Dapper;
using MassTransit;
using Npgsql;
using ScaleFast.Contracts;
using ScaleFast.Settings;

namespace ScaleFast.Worker.Benchmark;

/// <summary>
/// The worker's benchmark endpoints, in a benchmark build and mapped only with <c>Benchmark:Enabled</c>
/// (as its consumers are registered), for <c>bench/worker.sh</c>, which runs the worker alone
/// (<c>ScaleFast:WorkerReplicas 1</c>) so that this process sees every message of a run:
/// <list type="bullet">
/// <item><c>POST /bench/jobs/outbox?count=&amp;size=&amp;batched=</c>: writes <c>count</c> outbox rows in one
/// transaction and answers when every job's effect is committed: outbox → relay → broker → consumer → commit,
/// one transaction per message, or per batch of up to 100 with <c>batched=true</c>.</item>
/// <item><c>POST /bench/jobs/broker?count=&amp;size=</c>: publishes as many messages of the same size
/// straight to the bus and answers when all are consumed: MassTransit's publish → consume alone.</item>
/// </list>
/// Both answer <c>{ count, seconds, perSecond }</c>.
/// </summary>
internal static class BenchmarkApi
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>(BenchmarkOptions.EnabledKey);

    public static IEndpointRouteBuilder MapBenchmarkApi(this IEndpointRouteBuilder app)
    {
        if (IsEnabled(app.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            app.MapPost("/bench/jobs/outbox", ThroughOutboxAsync);
            app.MapPost("/bench/jobs/broker", ThroughBrokerAsync);
        }

        return app;
    }

    private static Task<IResult> ThroughOutboxAsync(int count, int size, bool? batched, NpgsqlDataSource dataSource, BenchmarkRun run) =>
        MeasureAsync(run, count, size, async (id, payload) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync(
                """
                INSERT INTO outbox (id, type, payload)
                SELECT gen_random_uuid(), @type, jsonb_build_object('runId', @id, 'sequence', s, 'payload', @payload)
                FROM generate_series(1, @count) AS s;
                SELECT pg_notify(@channel, '');
                """,
                new { type = MessageNames.Of(batched == true ? typeof(BenchmarkBatchedJobRequested) : typeof(BenchmarkJobRequested)), id, payload, count, channel = OutboxContract.NotificationChannel });
        });

    private static Task<IResult> ThroughBrokerAsync(int count, int size, IBus bus, BenchmarkRun run) =>
        MeasureAsync(run, count, size, async (id, payload) =>
        {
            // Published the way the relay publishes: batches of concurrent publishes, each confirmed.
            foreach (var batch in Enumerable.Range(1, count).Chunk(100))
            {
                await Task.WhenAll(batch.Select(sequence => bus.Publish(new BenchmarkPingPublished(id, sequence, payload))));
            }
        });

    private static async Task<IResult> MeasureAsync(BenchmarkRun run, int count, int size, Func<Guid, string, Task> send)
    {
        if (count is < 1 or > 1_000_000 || size is < 0 or > 1_000_000)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "count must be 1–1,000,000 and size 0–1,000,000.");
        }

        var id = Guid.NewGuid();
        if (run.TryStart(id, count) is not { } done)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A benchmark run is in progress.");
        }

        var clock = Stopwatch.StartNew();
        try
        {
            await send(id, new string('x', size));
            await done.WaitAsync(RunTimeout);
        }
        catch (TimeoutException)
        {
            run.Abandon();
            return TypedResults.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: $"Not all {count} messages arrived within {RunTimeout}.");
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return TypedResults.Ok(new { count, seconds, perSecond = count / seconds });
    }
}
