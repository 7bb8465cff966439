using Dapper;
using Npgsql;

namespace ScaleFast.Worker.Outbox;

/// <summary>Reads the outbox backlog every few seconds for the gauges (a scrape never waits on the database).</summary>
internal sealed partial class OutboxBacklogSampler(NpgsqlDataSource dataSource, OutboxMetrics metrics, ILogger<OutboxBacklogSampler> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                await SampleAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var backlog = await connection.QuerySingleAsync<OutboxBacklog>(new CommandDefinition(
                """
                SELECT count(*) AS pending,
                       coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldestageseconds
                FROM outbox WHERE sent_at IS NULL AND error IS NULL
                """,
                cancellationToken: cancellationToken));
            metrics.Sampled(backlog);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogSampleFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the outbox backlog failed: {Reason}.")]
    private static partial void LogSampleFailed(ILogger logger, string reason);
}
