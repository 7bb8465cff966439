using Microsoft.AspNetCore.Http.HttpResults;
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
        var reports = app.MapGroup("/api/reports").WithTags("Reports")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        reports.MapPost("/", RequestReportAsync).WithName("RequestReport")
            .WithSummary("Requests a sales report")
            .WithDescription("Answered at once (202) with where to poll; a worker produces the report in the background.")
            .ProducesValidationProblem();
        reports.MapGet("/{id:guid}", GetReportAsync).WithName("GetReport")
            .WithSummary("Reads where a report stands")
            .WithDescription("requested, running, done (with a link to its content) or failed (with the reason).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapGet("/{id:guid}/content", GetReportContentAsync).WithName("GetReportContent")
            .WithSummary("Reads a finished report as CSV")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    internal static async Task<Accepted<ReportStatus>> RequestReportAsync(
        ReportRequest request, ReportStore store, CancellationToken cancellationToken)
    {
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
