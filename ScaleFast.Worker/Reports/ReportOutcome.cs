using Dapper;
using Npgsql;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Reports;

/// <summary>Records a report's failure on its row, unless it already finished.</summary>
internal static class ReportOutcome
{
    public static Task<int> FailAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid reportId, string reason, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE reports SET status = @failed, failure_reason = @reason, completed_at = now()
            WHERE id = @reportId AND status IN (@requested, @running)
            """,
            new { reportId, reason, failed = ReportStates.Failed, requested = ReportStates.Requested, running = ReportStates.Running }, transaction, cancellationToken: cancellationToken));
}
