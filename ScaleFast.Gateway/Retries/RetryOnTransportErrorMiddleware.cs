using ScaleFast.Gateway.LoadBalancing;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ScaleFast.Gateway.Retries;

/// <summary>
/// Retries a request once, on another replica, when forwarding failed with a transport error
/// before any response was sent (YARP has no retries of its own): an idempotent one (GET, HEAD,
/// OPTIONS) whatever the error, any other only when the connection could not be made (then the
/// replica never saw it). The other replica is a healthy one, or any other when none is (as the
/// balancer's panic mode). The failed replica is also reported to passive health by YARP.
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
            var others = proxy.AllDestinations.Where(d => d != failed).ToList();
            var healthy = others.Where(d => d.Health.Active != DestinationHealth.Unhealthy && d.Health.Passive != DestinationHealth.Unhealthy).ToList();
            others = healthy.Count > 0 ? healthy : others;
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
        context.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.Request } error
        && !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested
        && (ReadMethods.Includes(context.Request.Method) || NeverReachedTheReplica(error.Exception));

    /// <summary>The connection was refused or could not be made: nothing of the request was sent.</summary>
    private static bool NeverReachedTheReplica(Exception? exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to {Destination} failed before a response; retrying on another replica.")]
    private static partial void LogRetry(ILogger logger, string? destination);
}
