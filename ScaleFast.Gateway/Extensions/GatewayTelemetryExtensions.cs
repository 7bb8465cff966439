using OpenTelemetry.Metrics;

namespace ScaleFast.Gateway.Extensions;

internal static class GatewayTelemetryExtensions
{
    /// <summary>
    /// Meters the gateway does not record, though the service defaults enable them: each costs
    /// several measurements per proxied request, and what they measure is recorded elsewhere.
    /// <list type="bullet">
    /// <item><c>System.Net.Http</c>: the gateway's calls to the API instances (request duration, requests
    /// and connections in use, time in the pool's queue). Each call is an API instance's own request,
    /// recorded there (<c>http.server.request.duration</c> per instance); what the gateway adds to it
    /// (the replica it picked, its retries) has metrics of its own.</item>
    /// <item><c>Microsoft.AspNetCore.Routing</c>: route match attempts; the gateway has one route, and
    /// <c>http.server.request.duration</c> names it.</item>
    /// </list>
    /// A dropped meter's instruments are never enabled, so the runtime skips those measurements
    /// instead of recording and discarding them.
    /// </summary>
    public static readonly IReadOnlySet<string> DroppedMeters = new HashSet<string>(StringComparer.Ordinal)
    {
        "System.Net.Http",
        "Microsoft.AspNetCore.Routing",
    };

    public static IHostApplicationBuilder AddGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddView(
            instrument => DroppedMeters.Contains(instrument.Meter.Name) ? MetricStreamConfiguration.Drop : null));
        return builder;
    }
}
