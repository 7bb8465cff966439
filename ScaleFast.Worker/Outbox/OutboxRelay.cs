using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// Publishes the outbox's pending rows to RabbitMQ and marks them sent, a batch per transaction:
/// <list type="number">
/// <item>lock up to <see cref="OutboxOptions.BatchSize"/> pending rows, oldest first, skipping rows
/// another relay holds (<c>FOR UPDATE SKIP LOCKED</c>), so any number of relays can run;</item>
/// <item>publish each with the row's id as message id, mandatory (a message no queue would take is
/// refused, not dropped), and wait for the broker's confirms within <see cref="OutboxOptions.PublishTimeout"/>;</item>
/// <item>mark them sent and commit.</item>
/// </list>
/// Anything failing rolls the batch back: its rows stay pending and the relay tries again after a
/// growing back-off, cut short when the bus reconnects. A row published but not marked (a crash before the commit) is published
/// again; consumers' inboxes key on the message id, so that has no second effect.
/// </summary>
internal sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBusControl bus,
    OutboxSignal signal,
    OutboxMetrics metrics,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan HealthCheckInterval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), settings.MaxBackoff);

        // The bus connects after the host starts: waiting for it is how a start goes, not a failure.
        LogWaitingForBus(logger);
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            try
            {
                await Task.Delay(HealthCheckInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
                {
                    // The consumers' queues may not be bound yet, or the broker is away.
                    throw new BrokerUnavailableException("the bus is not connected to the broker");
                }

                while (await RelayBatchAsync(settings, stoppingToken) == settings.BatchSize)
                {
                }

                backoff.Reset();
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                metrics.RelayFailed();
                LogRelayFailed(logger, e.GetBaseException().Message, delay);
                await BackOffAsync(delay, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Waits <paramref name="delay"/>, or less when the bus reconnects meanwhile: MassTransit
    /// reconnects on its own, and the rows that piled up should leave as soon as it has.
    /// </summary>
    private async Task BackOffAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var wasHealthy = bus.CheckHealth().Status == BusHealthStatus.Healthy;
        for (var waited = TimeSpan.Zero; waited < delay && !cancellationToken.IsCancellationRequested; waited += HealthCheckInterval)
        {
            await Task.Delay(HealthCheckInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!wasHealthy && bus.CheckHealth().Status == BusHealthStatus.Healthy)
            {
                return;
            }
        }
    }

    private async Task<int> RelayBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            """
            SELECT id, type, payload::text AS payload, created_at AS createdat
            FROM outbox
            WHERE sent_at IS NULL AND error IS NULL
            ORDER BY created_at
            LIMIT @batchSize
            FOR UPDATE SKIP LOCKED
            """,
            new { batchSize = settings.BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PublishTimeout);

        var published = new List<OutboxRow>(rows.Count);
        var rejected = new List<(OutboxRow Row, string Reason)>();
        var confirms = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            var (message, messageType, error) = Read(row);
            if (message is not null && messageType is not null)
            {
                confirms.Add(bus.Publish(message, messageType, context => Stamp(context, row.Id), timeout.Token));
                published.Add(row);
            }
            else
            {
                rejected.Add((row, error!));
            }
        }

        await Task.WhenAll(confirms);

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox SET sent_at = now() WHERE id = ANY(@ids)",
            new { ids = published.Select(r => r.Id).ToArray() }, transaction, cancellationToken: cancellationToken));
        foreach (var (row, reason) in rejected)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE outbox SET error = @reason WHERE id = @id",
                new { id = row.Id, reason }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);

        var now = DateTime.UtcNow;
        foreach (var row in published)
        {
            metrics.Published(row.Type, now - row.CreatedAt);
        }

        foreach (var (row, reason) in rejected)
        {
            metrics.Rejected(row.Type);
            LogRejected(logger, row.Id, row.Type, reason);
        }

        return rows.Count;
    }

    private static void Stamp(PublishContext context, Guid id)
    {
        context.MessageId = id;
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
        {
            rabbit.Mandatory = true;
        }
    }

    private static (object? Message, Type? MessageType, string? Error) Read(OutboxRow row)
    {
        if (OutboxMessageTypes.Find(row.Type) is not { } type)
        {
            return (null, null, $"unknown message type '{row.Type}'");
        }

        try
        {
            return JsonSerializer.Deserialize(row.Payload, type, PayloadOptions) is { } message
                ? (message, type, null)
                : (null, null, "the payload is null");
        }
        catch (JsonException e)
        {
            return (null, null, $"the payload is not a {type.Name}: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The outbox relay starts once the bus is connected to the broker.")]
    private static partial void LogWaitingForBus(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying the outbox failed ({Reason}); the rows stay pending, next attempt in {Delay}.")]
    private static partial void LogRelayFailed(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({Type}) cannot be published and was set aside: {Reason}.")]
    private static partial void LogRejected(ILogger logger, Guid id, string type, string reason);
}

/// <summary>The relay found the bus disconnected; it backs off like any broker failure.</summary>
internal sealed class BrokerUnavailableException(string message) : Exception(message);
