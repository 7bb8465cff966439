using System.Diagnostics.Metrics;

namespace ScaleFast.Worker.Inbox;

/// <summary><c>scalefast.inbox.duplicates</c>: deliveries skipped because their effect was already committed.</summary>
internal sealed class InboxMetrics
{
    public const string MeterName = "ScaleFast.Inbox";

    private readonly Counter<long> _duplicates;

    public InboxMetrics(IMeterFactory meterFactory) =>
        _duplicates = meterFactory.Create(MeterName).CreateCounter<long>(
            "scalefast.inbox.duplicates", "{message}", "Deliveries a consumer skipped because the inbox shows their effect already committed.");

    public void Duplicate(string consumer) => _duplicates.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
}
