using ScaleFast.Gateway.LoadBalancing;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ScaleFast.Gateway.Retries;

/// <summary>
/// Retries an idempotent request (GET, HEAD, OPTIONS) once, on another available replica, when
/// forwarding failed with a transport error before any response was sent (YARP has no retries of
/// its own). The failed replica is also reported to passive health by YARP.
/// </summary>
internal static partial class RetryOnTransportErrorMiddleware
{
    public static IReverseProxyApplicationBuilder UseRetryOnTransportError(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.Use(async (context, next) =>
        {
            await next();

            if (!ShouldRetry(context))
            {
                return;
            }

            var proxy = context.GetReverseProxyFeature();
            var failed = proxy.ProxiedDestination;
            var others = proxy.AllDestinations.Where(d => d != failed && d.Health.Active != DestinationHealth.Unhealthy && d.Health.Passive != DestinationHealth.Unhealthy).ToList();
            if (others.Count == 0)
            {
                return;
            }

            LogRetry(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RetryOnTransportErrorMiddleware)), failed?.DestinationId);
            context.RequestServices.GetRequiredService<BalancingMetrics>().RecordRetry(failed?.DestinationId);
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            proxy.AvailableDestinations = others;
            await next();
        });
        return pipeline;
    }

    private static bool ShouldRetry(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.Request }
        && !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested
        && ReadMethods.Includes(context.Request.Method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to {Destination} failed before a response; retrying on another replica.")]
    private static partial void LogRetry(ILogger logger, string? destination);
}
