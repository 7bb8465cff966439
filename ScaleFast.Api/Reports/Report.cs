using System.ComponentModel.DataAnnotations;
using ScaleFast.Contracts;

namespace ScaleFast.Api.Reports;

/// <summary>The body of <c>POST /api/reports</c>: <c>kind</c> is <c>sales</c>; <c>from</c> and <c>to</c> are included days.</summary>
public sealed record ReportRequest(
    [AllowedValues(ReportKinds.Sales, ErrorMessage = $"The only kind is '{ReportKinds.Sales}'.")] string? Kind,
    [Required(ErrorMessage = "Required (yyyy-MM-dd).")] DateOnly? From,
    [Required(ErrorMessage = "Required (yyyy-MM-dd).")] DateOnly? To)
    : IValidatableObject
{
    /// <summary>A rule across two fields, which attributes cannot say: a range forwards, and not too long.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (From is { } from && To is { } to && (to < from || to.DayNumber - from.DayNumber >= ReportRequested.MaxDays))
        {
            yield return new ValidationResult(
                $"Must be on or after 'from', and the range at most {ReportRequested.MaxDays} days.", [nameof(To)]);
        }
    }
}

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
