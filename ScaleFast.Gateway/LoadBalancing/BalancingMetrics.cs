using System.Diagnostics.Metrics;

namespace ScaleFast.Gateway.LoadBalancing;

/// <summary>
/// <c>scalefast.gateway.balancing.decisions</c>: which replica the balancer picked, per policy.
/// With the API's own request counts it shows the spread, and retries as extra decisions.
/// </summary>
internal sealed class BalancingMetrics(IMeterFactory meterFactory)
{
    public const string MeterName = "ScaleFast.Gateway";

    private readonly Counter<long> _decisions = meterFactory.Create(MeterName).CreateCounter<long>(
        "scalefast.gateway.balancing.decisions", unit: "{decision}", description: "Destinations picked by the load balancer, by cluster, policy and destination.");

    private readonly Counter<long> _retries = meterFactory.Create(MeterName).CreateCounter<long>(
        "scalefast.gateway.retries", unit: "{retry}", description: "Idempotent requests retried on another replica after a transport error, by the replica that failed.");

    public void RecordRetry(string? failedDestination) =>
        _retries.Add(1, new KeyValuePair<string, object?>("destination", failedDestination ?? string.Empty));

    public IReverseProxyApplicationBuilder Record(IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.Use((context, next) =>
        {
            var proxy = context.GetReverseProxyFeature();
            if (proxy.AvailableDestinations is [var picked])
            {
                _decisions.Add(
                    1,
                    new KeyValuePair<string, object?>("cluster", proxy.Cluster.Config.ClusterId),
                    new KeyValuePair<string, object?>("policy", proxy.Cluster.Config.LoadBalancingPolicy ?? "PowerOfTwoChoices"),
                    new KeyValuePair<string, object?>("destination", picked.DestinationId));
            }

            return next();
        });
        return pipeline;
    }
}
