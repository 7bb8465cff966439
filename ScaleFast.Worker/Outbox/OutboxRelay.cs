using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;
using ScaleFast.Settings;

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
/// growing back-off; while the bus is not connected to the broker, it waits for the bus instead, and
/// relays as soon as MassTransit has reconnected. A row published but not marked (a crash before the
/// commit) is published again; consumers' inboxes key on the message id, so that has no second effect.
/// </summary>
internal sealed partial class OutboxRelay : BackgroundService
{
    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);

    /// <summary>How often the relay asks the bus whether it is connected while it waits for it.</summary>
    private static readonly TimeSpan BusCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IBusControl _bus;
    private readonly OutboxSignal _signal;
    private readonly OutboxMetrics _metrics;
    private readonly OutboxOptions _settings;
    private readonly ILogger<OutboxRelay> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly ResiliencePipeline<bool> _untilBusConnected;

    public OutboxRelay(
        NpgsqlDataSource dataSource, IBusControl bus, OutboxSignal signal, OutboxMetrics metrics, IOptions<OutboxOptions> options, ILogger<OutboxRelay> logger)
    {
        _dataSource = dataSource;
        _bus = bus;
        _signal = signal;
        _metrics = metrics;
        _settings = options.Value;
        _logger = logger;
        _retry = RetryForever.Pipeline(TimeSpan.FromMilliseconds(200), _settings.MaxBackoff,
            // A disconnected bus is waited for (ExecuteAsync), not retried on a timer.
            handles: e => e is not BrokerUnavailableException,
            onRetry: (e, delay) =>
            {
                metrics.RelayFailed();
                LogRelayFailed(logger, e.GetBaseException().Message, delay);
            });
        _untilBusConnected = new ResiliencePipelineBuilder<bool>()
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is false),
                BackoffType = DelayBackoffType.Constant,
                Delay = BusCheckInterval,
                MaxRetryAttempts = int.MaxValue,
            })
            .Build();
    }

    private bool IsBusConnected => _bus.CheckHealth().Status == BusHealthStatus.Healthy;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The bus connects after the host starts: waiting for it is how a start goes, not a failure.
            LogWaitingForBus(_logger);
            await WhenBusConnectedAsync(stoppingToken);

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await _retry.ExecuteAsync(RelayPendingAsync, stoppingToken);
                    await _signal.WaitAsync(_settings.PollInterval, stoppingToken);
                }
                catch (BrokerUnavailableException e)
                {
                    // MassTransit reconnects by itself; the rows that pile up meanwhile leave as soon as it has.
                    _metrics.RelayFailed();
                    LogWaitingForBusAgain(_logger, e.Message);
                    await WhenBusConnectedAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The worker is stopping.
        }
    }

    /// <summary>Relays batches until one is not full.</summary>
    private async ValueTask RelayPendingAsync(CancellationToken cancellationToken)
    {
        if (!IsBusConnected)
        {
            // The consumers' queues may not be bound yet, or the broker is away.
            throw new BrokerUnavailableException("the bus is not connected to the broker");
        }

        while (await RelayBatchAsync(_settings, cancellationToken) == _settings.BatchSize)
        {
        }
    }

    private async Task WhenBusConnectedAsync(CancellationToken cancellationToken) =>
        await _untilBusConnected.ExecuteAsync(_ => ValueTask.FromResult(IsBusConnected), cancellationToken);

    private async Task<int> RelayBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
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
                confirms.Add(_bus.Publish(message, messageType, context => Stamp(context, row.Id), timeout.Token));
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
            _metrics.Published(row.Type, now - row.CreatedAt);
        }

        foreach (var (row, reason) in rejected)
        {
            _metrics.Rejected(row.Type);
            LogRejected(_logger, row.Id, row.Type, reason);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus lost the broker ({Reason}); the outbox rows stay pending until it has reconnected.")]
    private static partial void LogWaitingForBusAgain(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying the outbox failed ({Reason}); the rows stay pending, next attempt in {Delay}.")]
    private static partial void LogRelayFailed(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({Type}) cannot be published and was set aside: {Reason}.")]
    private static partial void LogRejected(ILogger logger, Guid id, string type, string reason);
}

/// <summary>The relay found the bus disconnected; it backs off like any broker failure.</summary>
internal sealed class BrokerUnavailableException(string message) : Exception(message);
