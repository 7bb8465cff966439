using System.Diagnostics.Metrics;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// The outbox's backlog and the relay's work. Every worker reports the same backlog (it is one
/// table): query it with <c>max</c>, not <c>sum</c>.
/// </summary>
internal sealed class OutboxMetrics
{
    public const string MeterName = "ScaleFast.Outbox";

    private readonly Counter<long> _published;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _relayFailures;
    private readonly Histogram<double> _relayDelay;
    private OutboxBacklog _backlog = new(0, 0);

    public OutboxMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("scalefast.outbox.published", "{message}", "Outbox rows this relay published and marked sent, by message type.");
        _rejected = meter.CreateCounter<long>("scalefast.outbox.rejected", "{message}", "Outbox rows set aside because they cannot be published (unknown type, unreadable payload).");
        _relayFailures = meter.CreateCounter<long>("scalefast.outbox.relay.failures", "{batch}", "Relay batches that failed (broker or database unreachable) and were retried after a back-off.");
        _relayDelay = meter.CreateHistogram<double>("scalefast.outbox.relay.delay", "s", "From the row's commit to the broker's confirm.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        meter.CreateObservableGauge("scalefast.outbox.pending", () => _backlog.Pending, "{message}", "Outbox rows not yet published.");
        meter.CreateObservableGauge("scalefast.outbox.oldest_age", () => _backlog.OldestAgeSeconds, "s", "Age of the oldest row not yet published; 0 when none.");
    }

    public void Published(string type, TimeSpan delay)
    {
        var tag = new KeyValuePair<string, object?>("type", ShortName(type));
        _published.Add(1, tag);
        _relayDelay.Record(delay.TotalSeconds, tag);
    }

    public void Rejected(string type) => _rejected.Add(1, new KeyValuePair<string, object?>("type", ShortName(type)));

    public void RelayFailed() => _relayFailures.Add(1);

    public void Sampled(OutboxBacklog backlog) => _backlog = backlog;

    // ScaleFast.Contracts.OrderPlaced → OrderPlaced: a bounded label from an unbounded column.
    private static string ShortName(string type) => OutboxMessageTypes.Find(type) is { } known ? known.Name : "unknown";
}

/// <summary>What the outbox holds that is not yet published.</summary>
internal sealed record OutboxBacklog(long Pending, double OldestAgeSeconds);
