using System.Text.Json;
using Npgsql;

namespace ScaleFast.Api.Data;

/// <summary>
/// Writes messages to the <c>outbox</c> table inside the caller's transaction, so that a message
/// exists exactly when the rows it announces do. The worker's relay publishes them.
/// </summary>
internal static class Outbox
{
    /// <summary>The channel a relay can <c>LISTEN</c> on; notified when the transaction commits.</summary>
    public const string NotificationChannel = "outbox";

    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);

    public static async Task AddAsync<TMessage>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TMessage message, CancellationToken cancellationToken)
        where TMessage : class
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO outbox (id, type, payload) VALUES (@id, @type, @payload::jsonb); SELECT pg_notify('{NotificationChannel}', '')",
            connection,
            transaction);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("type", typeof(TMessage).FullName!);
        command.Parameters.AddWithValue("payload", JsonSerializer.Serialize(message, PayloadOptions));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
