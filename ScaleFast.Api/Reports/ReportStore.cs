using Dapper;
using Npgsql;
using ScaleFast.Api.Data;
using ScaleFast.Contracts;

namespace ScaleFast.Api.Reports;

/// <summary>Report requests in Postgres; a request and its <see cref="ReportRequested"/> outbox message commit together.</summary>
internal sealed class ReportStore(NpgsqlDataSource dataSource)
{
    public async Task<ReportStatus> RequestAsync(string kind, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var requestedAt = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
            "INSERT INTO reports (id, kind, from_date, to_date) VALUES (@id, @kind, @from, @to) RETURNING requested_at",
            new { id, kind, from = from.ToDateTime(TimeOnly.MinValue), to = to.ToDateTime(TimeOnly.MinValue) },
            transaction, cancellationToken: cancellationToken));
        await Outbox.AddAsync(connection, transaction,
            new ReportRequested(id, kind, from, to, new DateTimeOffset(requestedAt, TimeSpan.Zero)), cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return new ReportStatus(id, kind, from, to, ReportStates.Requested, null, requestedAt, null, null);
    }

    public async Task<ReportStatus?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ReportRow>(new CommandDefinition(
            """
            SELECT id, kind, from_date AS FromDate, to_date AS ToDate, status, failure_reason AS FailureReason,
                   requested_at AS RequestedAt, completed_at AS CompletedAt
            FROM reports WHERE id = @id
            """,
            new { id }, cancellationToken: cancellationToken));
        return row is null ? null : new ReportStatus(
            row.Id, row.Kind, row.FromDate, row.ToDate, row.Status, row.FailureReason,
            row.RequestedAt, row.CompletedAt, row.Status == ReportStates.Done ? $"/api/reports/{row.Id}/content" : null);
    }

    /// <summary>The report's CSV, or null while it is not done.</summary>
    public async Task<string?> GetContentAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT content FROM reports WHERE id = @id AND status = @done", new { id, done = ReportStates.Done }, cancellationToken: cancellationToken));
    }

    private sealed record ReportRow(
        Guid Id, string Kind, DateOnly FromDate, DateOnly ToDate, string Status, string? FailureReason, DateTime RequestedAt, DateTime? CompletedAt);
}
