namespace ScaleFast.Api.Reports;

/// <summary>The body of <c>POST /api/reports</c>: <c>kind</c> is <c>sales</c>; <c>from</c> and <c>to</c> are included days.</summary>
public sealed record ReportRequest(string? Kind, DateOnly? From, DateOnly? To);

/// <summary>
/// A report request and where it stands: <c>requested</c> → <c>running</c> → <c>done</c>, or
/// <c>failed</c> with <paramref name="FailureReason"/>. <paramref name="Content"/> links the CSV once done.
/// </summary>
public sealed record ReportStatus(
    Guid Id,
    string Kind,
    DateOnly From,
    DateOnly To,
    string Status,
    string? FailureReason,
    DateTime RequestedAt,
    DateTime? CompletedAt,
    string? Content);
