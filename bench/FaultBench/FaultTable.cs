using System.Globalization;
using System.Text;
using ScaleFast.AppHost.Lab;

namespace ScaleFast.FaultBench;

/// <summary>One fault's figures: during it, and how long after it requests still failed.</summary>
internal sealed record FaultRow(
    string Fault, TimeSpan Duration, LoadSummary Reads, double CachedReadsOk, int CachedReads, LoadSummary Orders, TimeSpan? Recovery, LoadSummary After)
{
    public static FaultRow Of(string fault, TimeSpan start, TimeSpan end, IReadOnlyList<LoadSample> samples, HashSet<LoadSample> cached, TimeSpan observation)
    {
        var during = samples.Where(s => s.SentAt >= start && s.SentAt < end).ToList();
        var reads = during.Where(s => s.Kind.StartsWith("read/", StringComparison.Ordinal)).ToList();
        var orders = during.Where(s => s.Kind.StartsWith("order/", StringComparison.Ordinal)).ToList();
        var cachedReads = reads.Where(cached.Contains).ToList();

        // Recovery: from the end of the fault until the last request that failed or took over 1 s;
        // none in the observation that follows means it had recovered when the fault ended. Only
        // requests answered within the observation count: the next fault begins right after it, and
        // a request sent just before would be that fault's, not this one's.
        var after = samples.Where(s => s.SentAt >= end && s.SentAt + s.Latency < end + observation).ToList();
        var lastBad = after.Where(s => !s.Succeeded || s.Latency > TimeSpan.FromSeconds(1)).Select(s => s.SentAt + s.Latency).DefaultIfEmpty(end).Max();
        return new FaultRow(
            fault,
            end - start,
            LoadSummary.Of(reads, end - start),
            cachedReads.Count == 0 ? 1 : cachedReads.Count(s => s.Succeeded) / (double)cachedReads.Count,
            cachedReads.Count,
            LoadSummary.Of(orders, end - start),
            lastBad >= end + observation - TimeSpan.FromSeconds(1) ? null : lastBad - end,
            LoadSummary.Of(after, observation));
    }
}

internal static class FaultTable
{
    public static string Render(IReadOnlyList<FaultRow> rows, Deliveries deliveries, int seconds)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Faults under load: {FaultRun.Readers} readers of random products through the gateway (10,000 client addresses), one order every {FaultRun.OrderInterval.TotalMilliseconds:0} ms; {seconds} s per fault, then {FaultRun.Observation.TotalSeconds:0} s of recovery; {Environment.ProcessorCount} cores.")
            .AppendLine()
            .AppendLine("| fault | lasted | reads during it | failed reads (by status) | p99 during it | cached reads answered | orders: 201 / sent (others) | seconds to full recovery | failed in the 15 s after |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var failedReads = row.Reads.Statuses.Where(s => s.Key is 0 or >= 400).ToList();
            var orderOthers = row.Orders.Statuses.Where(s => s.Key != 201).Select(s => $"{(s.Key == 0 ? "none" : s.Key)}: {s.Value}");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Fault} | {row.Duration.TotalSeconds:0.0} s | {row.Reads.Requests:N0} | {(failedReads.Count == 0 ? "0" : $"{row.Reads.Failed:N0} ({string.Join(", ", failedReads.Select(s => $"{(s.Key == 0 ? "none" : s.Key)}: {s.Value}"))})")} " +
                $"| {row.Reads.P99.TotalMilliseconds:N0} ms | {row.CachedReadsOk:P2} of {row.CachedReads:N0} " +
                $"| {row.Orders.Statuses.GetValueOrDefault(201)} / {row.Orders.Requests} {(orderOthers.Any() ? $"({string.Join(", ", orderOthers)})" : string.Empty)} " +
                $"| {(row.Recovery is { } recovery ? recovery.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : $"> {FaultRun.Observation.TotalSeconds:0}")} " +
                $"| {(row.After.Failed == 0 ? "0" : $"{row.After.Failed} ({row.After.StatusText})")}, p99 {row.After.P99.TotalMilliseconds:N0} ms |");
        }

        return text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Orders accepted over the whole run: {deliveries.Accepted:N0}; confirmation emails delivered for {deliveries.Delivered:N0} of them; emails beyond one per order: {deliveries.Duplicates:N0}.")
            .ToString();
    }
}
