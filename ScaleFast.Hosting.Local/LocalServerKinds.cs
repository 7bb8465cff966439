namespace ScaleFast.Hosting.Local;

/// <summary>The servers an app runs locally: which programs <see cref="LocalServersBuilderExtensions.PrepareLocalServers"/> looks for.</summary>
[Flags]
public enum LocalServerKinds
{
    /// <summary>No server.</summary>
    None = 0,

    /// <summary>PostgreSQL: <c>initdb</c> and <c>postgres</c> (and <c>setpriv</c> when the AppHost runs as root).</summary>
    Postgres = 1,

    /// <summary>Redis: <c>redis-server</c>.</summary>
    Redis = 2,

    /// <summary>RabbitMQ: <c>rabbitmq-server</c> and <c>epmd</c>.</summary>
    RabbitMQ = 4,

    /// <summary>Prometheus: <c>prometheus</c>.</summary>
    Prometheus = 8,
}
