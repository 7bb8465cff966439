using Dapper;
using Npgsql;

namespace ScaleFast.Worker.Inbox;

/// <summary>
/// The messages each consumer has had its effect for. A consumer claims the message in the
/// transaction of its effect: the claim commits exactly when the effect does, and a redelivered
/// (or republished) message finds the claim and is skipped. A second delivery running at the same
/// time waits on the first one's uncommitted row, then sees it.
/// </summary>
internal sealed class Inbox(InboxMetrics metrics)
{
    /// <summary>Claims <paramref name="messageId"/> for <paramref name="consumer"/>; false when it already had its effect.</summary>
    public async Task<bool> TryClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? messageId, string consumer, CancellationToken cancellationToken)
    {
        var id = messageId ?? throw new InvalidOperationException("A message without a message id cannot be deduplicated.");
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO inbox (message_id, consumer) VALUES (@id, @consumer) ON CONFLICT DO NOTHING",
            new { id, consumer }, transaction, cancellationToken: cancellationToken)) == 1;
        if (!claimed)
        {
            metrics.Duplicate(consumer);
        }

        return claimed;
    }
}
