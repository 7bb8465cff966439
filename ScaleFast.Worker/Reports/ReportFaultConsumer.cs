using MassTransit;
using Npgsql;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Reports;

/// <summary>
/// A report whose production kept failing after its retries (the message went to the error queue)
/// is marked failed with the last error, so that it does not stay <c>running</c>.
/// </summary>
internal sealed partial class ReportFaultConsumer(NpgsqlDataSource dataSource, ILogger<ReportFaultConsumer> logger)
    : IConsumer<Fault<ReportRequested>>
{
    public async Task Consume(ConsumeContext<Fault<ReportRequested>> context)
    {
        var reportId = context.Message.Message.ReportId;
        var error = context.Message.Exceptions.FirstOrDefault()?.Message ?? "unknown error";
        var reason = $"the report could not be produced: {error}";

        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        if (await ReportOutcome.FailAsync(connection, null, reportId, reason, context.CancellationToken) == 1)
        {
            LogFailed(logger, reportId, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} failed after its retries: {Reason}.")]
    private static partial void LogFailed(ILogger logger, Guid reportId, string reason);
}
