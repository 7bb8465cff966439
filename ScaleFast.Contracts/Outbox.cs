namespace ScaleFast.Contracts;

/// <summary>The outbox table's contract between the API, which writes it, and the workers, which relay it.</summary>
public static class OutboxContract
{
    /// <summary>
    /// The Postgres channel notified (<c>pg_notify</c>) when a transaction that wrote outbox rows
    /// commits; relays <c>LISTEN</c> on it instead of polling.
    /// </summary>
    public const string NotificationChannel = "outbox";
}
