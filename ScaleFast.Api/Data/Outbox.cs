using System.Text.Json;
using Npgsql;
using ScaleFast.Contracts;

namespace ScaleFast.Api.Data;

/// <summary>
/// Writes messages to the <c>outbox</c> table inside the caller's transaction, so that a message
/// exists exactly when the rows it announces do. The worker's relay publishes them.
/// </summary>
internal static class Outbox
{
    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);

    public static async Task AddAsync<TMessage>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TMessage message, CancellationToken cancellationToken)
        where TMessage : class
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO outbox (id, type, payload) VALUES (@id, @type, @payload::jsonb); SELECT pg_notify('{OutboxContract.NotificationChannel}', '')",
            connection,
            transaction);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("type", MessageNames.Of(typeof(TMessage)));
        command.Parameters.AddWithValue("payload", JsonSerializer.Serialize(message, PayloadOptions));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
