using Dapper;
using MassTransit;
using Npgsql;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Reports;

/// <summary>
/// Produces a requested report and records its outcome on the report's row:
/// <c>requested → running → done</c>, or <c>failed</c> with a reason the API shows.
/// <list type="bullet">
/// <item>A request that cannot be produced (unknown kind, a range that ends before it starts or spans
/// more than <see cref="ReportRequested.MaxDays"/> days) fails at once; retrying would not help.</item>
/// <item>The content, the <c>done</c> state and the inbox claim commit together.</item>
/// <item>A transient fault (the database away) is retried; when the retries are spent,
/// <see cref="ReportFaultConsumer"/> marks the report failed, so it never stays <c>running</c>.</item>
/// </list>
/// </summary>
internal sealed partial class ReportConsumer(NpgsqlDataSource dataSource, Inbox.Inbox inbox, ILogger<ReportConsumer> logger)
    : IConsumer<ReportRequested>
{
    private const string InboxName = "report";

    public async Task Consume(ConsumeContext<ReportRequested> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var started = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE reports SET status = @running, started_at = now() WHERE id = @id AND status IN (@requested, @running)",
            new { id = request.ReportId, requested = ReportStates.Requested, running = ReportStates.Running }, cancellationToken: cancellationToken));
        if (started == 0)
        {
            LogAlreadyFinished(logger, request.ReportId);
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await inbox.TryClaimAsync(connection, transaction, context.MessageId, InboxName, cancellationToken))
        {
            return;
        }

        if (Reject(request) is { } reason)
        {
            await ReportOutcome.FailAsync(connection, transaction, request.ReportId, reason, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogFailed(logger, request.ReportId, reason);
            return;
        }

        var content = await SalesReport.ComputeAsync(connection, transaction, request.From, request.To, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE reports SET status = @done, content = @content, completed_at = now() WHERE id = @id AND status = @running",
            new { id = request.ReportId, content, done = ReportStates.Done, running = ReportStates.Running }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        LogDone(logger, request.ReportId, content.Length);
    }

    private static string? Reject(ReportRequested request) => request switch
    {
        { Kind: not ReportKinds.Sales } => $"unknown report kind '{request.Kind}'; the only kind is '{ReportKinds.Sales}'",
        _ when request.To < request.From => $"the range ends ({request.To:yyyy-MM-dd}) before it starts ({request.From:yyyy-MM-dd})",
        _ when request.To.DayNumber - request.From.DayNumber + 1 > ReportRequested.MaxDays => $"the range spans more than {ReportRequested.MaxDays} days",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} done ({Length} characters).")]
    private static partial void LogDone(ILogger logger, Guid reportId, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} failed: {Reason}.")]
    private static partial void LogFailed(ILogger logger, Guid reportId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} is already finished (or unknown); duplicate delivery skipped.")]
    private static partial void LogAlreadyFinished(ILogger logger, Guid reportId);
}
