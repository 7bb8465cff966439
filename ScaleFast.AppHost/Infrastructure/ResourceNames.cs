namespace ScaleFast.AppHost.Infrastructure;

/// <summary>Resource names of the app model: contracts for tests, dashboards and alerts.</summary>
public static class ResourceNames
{
    /// <summary>The PostgreSQL server.</summary>
    public const string Postgres = "postgres";

    /// <summary>The ScaleFast database, and the name of its connection string.</summary>
    public const string Database = "scalefast";

    /// <summary>The Redis server.</summary>
    public const string Redis = "redis";

    /// <summary>The RabbitMQ broker.</summary>
    public const string RabbitMQ = "rabbitmq";

    /// <summary>The SMTP sink with a web UI (smtp4dev) the workers send emails to.</summary>
    public const string Mail = "mail";

    /// <summary>Prometheus, scraping every instance.</summary>
    public const string Prometheus = "prometheus";

    /// <summary>Grafana with the ScaleFast dashboards; container mode only (Debian does not package it).</summary>
    public const string Grafana = "grafana";

    /// <summary>The YARP gateway.</summary>
    public const string Gateway = "gateway";

    /// <summary>The name of API instance <paramref name="index"/>: <c>api-0</c>, <c>api-1</c>, …</summary>
    public static string Api(int index) => $"api-{index}";

    /// <summary>The name of worker instance <paramref name="index"/>: <c>worker-0</c>, <c>worker-1</c>, …</summary>
    public static string Worker(int index) => $"worker-{index}";
}
