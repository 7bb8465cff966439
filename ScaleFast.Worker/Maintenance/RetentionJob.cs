using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScaleFast.Settings;

namespace ScaleFast.Worker.Maintenance;

/// <summary>
/// Every hour, deletes what has served its purpose: sent outbox rows and inbox rows older than
/// <see cref="OutboxOptions.Retention"/> (long past any redelivery), and idempotency keys older
/// than a day (a client's retries of one request come within minutes). A few thousand rows per
/// statement, so that no delete holds locks for long. Several workers doing it at once is harmless.
/// </summary>
internal sealed partial class RetentionJob(NpgsqlDataSource dataSource, IOptions<OutboxOptions> options, ILogger<RetentionJob> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan IdempotencyKeyRetention = TimeSpan.FromDays(1);
    private const int ChunkSize = 5_000;

    private static readonly (string Table, string Column)[] Tables =
    [
        ("outbox", "sent_at"),
        ("inbox", "processed_at"),
        ("idempotency_keys", "created_at"),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                foreach (var (table, column) in Tables)
                {
                    await DeleteOlderAsync(table, column, table == "idempotency_keys" ? IdempotencyKeyRetention : options.Value.Retention, stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeleteOlderAsync(string table, string column, TimeSpan retention, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            long deleted = 0;
            int chunk;
            do
            {
                // The table and column names are constants of this class, never input.
                chunk = await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE {column} < now() - @retention LIMIT {ChunkSize}))",
                    new { retention }, cancellationToken: cancellationToken));
                deleted += chunk;
            }
            while (chunk == ChunkSize);

            if (deleted > 0)
            {
                LogDeleted(logger, deleted, table);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogFailed(logger, table, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} old rows from {Table}.")]
    private static partial void LogDeleted(ILogger logger, long count, string table);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention of {Table} failed, next attempt within the hour: {Reason}.")]
    private static partial void LogFailed(ILogger logger, string table, string reason);
}
