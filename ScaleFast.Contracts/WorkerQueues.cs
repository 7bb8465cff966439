namespace ScaleFast.Contracts;

/// <summary>
/// The queues the workers consume, one per consumer: the worker names its receive endpoints with
/// these, and the Kubernetes publisher scales the workers on their length.
/// </summary>
public static class WorkerQueues
{
    /// <summary><c>OrderPlaced</c> → the order's confirmation email.</summary>
    public const string OrderConfirmation = "order-confirmation";

    /// <summary><c>ReportRequested</c> → the report.</summary>
    public const string Report = "report";

    /// <summary>A <c>ReportRequested</c> that failed after its retries → the report marked failed.</summary>
    public const string ReportFault = "report-fault";

    /// <summary>The benchmark's jobs, one transaction each (only with the benchmark endpoints on).</summary>
    public const string BenchmarkJob = "benchmark-job";

    /// <summary>The benchmark's jobs, consumed in batches (only with the benchmark endpoints on).</summary>
    public const string BenchmarkBatchedJob = "benchmark-batched-job";

    /// <summary>The benchmark's broker ceiling (only with the benchmark endpoints on).</summary>
    public const string BenchmarkPing = "benchmark-ping";

    /// <summary>Every queue a worker consumes.</summary>
    /// <param name="benchmarkEndpoints">Whether the benchmark consumers are on.</param>
    public static IReadOnlyList<string> Consumed(bool benchmarkEndpoints) =>
        benchmarkEndpoints
            ? [OrderConfirmation, Report, ReportFault, BenchmarkJob, BenchmarkBatchedJob, BenchmarkPing]
            : [OrderConfirmation, Report, ReportFault];
}
