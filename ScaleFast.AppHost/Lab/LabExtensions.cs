using System.Runtime.Versioning;

namespace ScaleFast.AppHost.Lab;

/// <summary>The lab's fault commands on each local resource, with where to watch their effect.</summary>
[UnsupportedOSPlatform("windows")]
internal static class LabExtensions
{
    public static IResourceBuilder<T> WithRedisFaults<T>(this IResourceBuilder<T> redis) where T : IResource
    {
        const string Watch = "reads keep answering from Postgres. Prometheus: scalefast_cache_redis_available (0 while the API skips Redis), "
            + "scalefast_cache_redis_failures_total, and the gateway's scalefast_rate_limit_decisions_total{result=~\"redis_failed.*\"} (fail open); "
            + "api-i structured logs: \"Redis does not answer the product cache\".";
        return redis.WithHangCommand(Watch).WithKillCommand(Watch);
    }

    public static IResourceBuilder<T> WithPostgresFaults<T>(this IResourceBuilder<T> postgres) where T : IResource
    {
        const string Watch = "every api-i turns Unhealthy on the dashboard (readiness 503) and the gateway keeps them all (panic mode): "
            + "cached reads still answer 200, writes get the API's 503 with Retry-After. "
            + "Prometheus: sum by (http_response_status_code) (rate(http_server_request_duration_seconds_count{job=\"api\"}[1m])).";
        // SIGINT: a fast shutdown, that ends the sessions the pools hold (SIGTERM would wait for them).
        return postgres.WithHangCommand(Watch).WithStopForCommand(Watch, interrupt: true);
    }

    public static IResourceBuilder<T> WithBrokerFaults<T>(this IResourceBuilder<T> broker) where T : IResource
    {
        const string Watch = "orders still get 201 (the outbox keeps them); Prometheus: max(scalefast_outbox_pending) grows, "
            + "then drains when the broker is back, and every confirmation email arrives once in mail.";
        return broker.WithHangCommand(Watch).WithStopForCommand(Watch);
    }

    public static IResourceBuilder<T> WithInstanceFaults<T>(this IResourceBuilder<T> instance) where T : IResource
    {
        const string Watch = "the gateway takes it out of its pool after failed probes and retries GETs on another replica. "
            + "Prometheus: sum by (destination) (rate(scalefast_gateway_balancing_decisions_total[1m])), scalefast_gateway_retries_total.";
        return instance.WithKillCommand(Watch);
    }
}
