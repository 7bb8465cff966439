namespace ScaleFast.Contracts;

/// <summary>
/// What every ScaleFast service answers, and the AppHost, the gateway's probes, Prometheus and a
/// cluster's probes rely on.
/// </summary>
public static class ServiceEndpoints
{
    /// <summary>The second HTTP endpoint of every service, for health and metrics only: never external, never routed by the gateway.</summary>
    public const string ManagementEndpointName = "management";

    /// <summary>Where both health paths are.</summary>
    public const string HealthPathPrefix = "/health";

    /// <summary>The process is up.</summary>
    public const string LivenessPath = HealthPathPrefix + "/live";

    /// <summary>This instance can serve: what it cannot work without answers.</summary>
    public const string ReadinessPath = HealthPathPrefix + "/ready";

    /// <summary>Prometheus' scrape.</summary>
    public const string MetricsPath = "/metrics";
}

/// <summary>HTTP headers of the API that clients, the gateway and the API agree on.</summary>
public static class ApiHeaders
{
    /// <summary>An administrator's key: catalog writes need it, and the gateway counts its holder as one client.</summary>
    public const string ApiKey = "X-Api-Key";

    /// <summary>A client's key for an order it may send again: the same key places one order.</summary>
    public const string IdempotencyKey = "Idempotency-Key";
}
