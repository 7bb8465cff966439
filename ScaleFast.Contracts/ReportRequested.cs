namespace ScaleFast.Contracts;

/// <summary>
/// A report was requested. Written to the outbox with the report row; a worker produces the
/// report and records its outcome on that row.
/// </summary>
/// <param name="ReportId">The report's id.</param>
/// <param name="Kind">What report: <c>sales</c>.</param>
/// <param name="From">First day included.</param>
/// <param name="To">Last day included.</param>
/// <param name="RequestedAt">When it was requested.</param>
[MessageName("report-requested")]
public sealed record ReportRequested(Guid ReportId, string Kind, DateOnly From, DateOnly To, DateTimeOffset RequestedAt)
{
    /// <summary>The longest range a report may cover, both ends included: the API refuses more, the worker fails it.</summary>
    public const int MaxDays = 366;
}
