namespace ScaleFast.Worker;

/// <summary>Connection names given by the AppHost.</summary>
internal static class WorkerConnectionNames
{
    /// <summary>The <c>scalefast</c> database, with the pool settings the AppHost computed.</summary>
    public const string Database = "scalefast";

    /// <summary>The broker: <c>amqp://user:password@host:port</c>.</summary>
    public const string Broker = "rabbitmq";

    /// <summary>The SMTP server: <c>Endpoint=smtp://host:port;Username=…;Password=…</c>.</summary>
    public const string Mail = "mail";
}
