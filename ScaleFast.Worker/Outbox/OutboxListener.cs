using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using ScaleFast.Contracts;
using ScaleFast.Settings;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// Holds one connection that <c>LISTEN</c>s on the <c>outbox</c> channel the API notifies when an
/// order or report commits, and wakes the relay on each notification. The connection is outside
/// the pool (one per worker, within the reserve the AppHost keeps); when it breaks, the relay's
/// poll still finds every row, and the listener connects again, backing off while that fails.
/// </summary>
internal sealed partial class OutboxListener : BackgroundService
{
    private readonly IConfiguration _configuration;
    private readonly OutboxSignal _signal;
    private readonly ILogger<OutboxListener> _logger;
    private readonly ResiliencePipeline _listen;

    public OutboxListener(IConfiguration configuration, OutboxSignal signal, IOptions<OutboxOptions> options, ILogger<OutboxListener> logger)
    {
        _configuration = configuration;
        _signal = signal;
        _logger = logger;
        _listen = RetryForever.Pipeline(TimeSpan.FromMilliseconds(500), options.Value.MaxBackoff, IsConnectionFailure,
            (e, delay) => LogListenFailed(logger, e.Message, delay));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_configuration.GetConnectionString(WorkerConnectionNames.Database))
        {
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = $"{_configuration["ScaleFast:Instance"] ?? Environment.MachineName} outbox listener",
        }.ConnectionString;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listen.ExecuteAsync(ct => ListenAsync(connectionString, ct), stoppingToken);

                // Rows committed while nobody listened are found by this first wake-up.
                _signal.Notify();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                LogListenLost(_logger, e.Message);
            }
        }
    }

    private async ValueTask<NpgsqlConnection> ListenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            connection.Notification += (_, _) => _signal.Notify();
            await using (var listen = new NpgsqlCommand($"LISTEN {OutboxContract.NotificationChannel}", connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static bool IsConnectionFailure(Exception e) => e is NpgsqlException or TimeoutException or IOException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for outbox notifications failed ({Reason}); polling meanwhile, listening again in {Delay}.")]
    private static partial void LogListenFailed(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection listening for outbox notifications broke ({Reason}); polling meanwhile, listening again.")]
    private static partial void LogListenLost(ILogger logger, string reason);
}
