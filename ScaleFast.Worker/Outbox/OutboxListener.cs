using Microsoft.Extensions.Options;
using Npgsql;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// Holds one connection that <c>LISTEN</c>s on the <c>outbox</c> channel the API notifies when an
/// order or report commits, and wakes the relay on each notification. The connection is outside
/// the pool (one per worker, within the reserve the AppHost keeps); when it breaks, the relay's
/// poll still finds every row, and the listener reconnects with back-off.
/// </summary>
internal sealed partial class OutboxListener(
    IConfiguration configuration, OutboxSignal signal, IOptions<OutboxOptions> options, ILogger<OutboxListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(WorkerConnectionNames.Database))
        {
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = $"{configuration["ScaleFast:Instance"] ?? Environment.MachineName} outbox listener",
        }.ConnectionString;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), options.Value.MaxBackoff);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Notify();
                await using (var listen = new NpgsqlCommand($"LISTEN {OutboxContract.NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Rows committed while nobody listened are found by this first wake-up.
                signal.Notify();
                backoff.Reset();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                var delay = backoff.Next();
                LogListenFailed(logger, e.Message, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for outbox notifications failed ({Reason}); polling meanwhile, listening again in {Delay}.")]
    private static partial void LogListenFailed(ILogger logger, string reason, TimeSpan delay);
}
