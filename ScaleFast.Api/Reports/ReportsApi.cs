using Microsoft.AspNetCore.Http.HttpResults;
using ScaleFast.Api.Http;
using ScaleFast.Contracts;

namespace ScaleFast.Api.Reports;

/// <summary>
/// <c>/api/reports</c>: a report is requested and answered at once (202); a worker produces it in
/// the background; the client polls its status and fetches the CSV.
/// </summary>
public static class ReportsApi
{

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports");
        reports.MapPost("/", RequestReportAsync).WithName("RequestReport");
        reports.MapGet("/{id:guid}", GetReportAsync).WithName("GetReport");
        reports.MapGet("/{id:guid}/content", GetReportContentAsync).WithName("GetReportContent");
        return app;
    }

    internal static async Task<Results<Accepted<ReportStatus>, ValidationProblem>> RequestReportAsync(
        ReportRequest request, ReportStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.Kind != ReportKinds.Sales)
        {
            errors.Add("kind", $"The only kind is '{ReportKinds.Sales}'.");
        }

        if (request.From is null)
        {
            errors.Add("from", "Required (yyyy-MM-dd).");
        }

        if (request.To is null)
        {
            errors.Add("to", "Required (yyyy-MM-dd).");
        }

        if (request is { From: { } from, To: { } to } && (to < from || to.DayNumber - from.DayNumber >= ReportRequested.MaxDays))
        {
            errors.Add("to", $"Must be on or after 'from', and the range at most {ReportRequested.MaxDays} days.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var report = await store.RequestAsync(request.Kind!, request.From!.Value, request.To!.Value, cancellationToken);
        return TypedResults.Accepted($"/api/reports/{report.Id}", report);
    }

    internal static async Task<Results<Ok<ReportStatus>, ProblemHttpResult>> GetReportAsync(Guid id, ReportStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } report ? TypedResults.Ok(report) : NotFound(id);

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetReportContentAsync(Guid id, ReportStore store, CancellationToken cancellationToken)
    {
        if (await store.GetContentAsync(id, cancellationToken) is { } csv)
        {
            return TypedResults.Text(csv, "text/csv; charset=utf-8");
        }

        return await store.FindAsync(id, cancellationToken) is { } report
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The report has no content.",
                detail: report.Status == ReportStates.Failed ? $"The report failed: {report.FailureReason}" : $"The report is {report.Status}; poll /api/reports/{id}.")
            : NotFound(id);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such report.", detail: $"There is no report {id}.");
}
