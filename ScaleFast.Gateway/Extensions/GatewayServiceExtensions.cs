using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using ScaleFast.Gateway.Discovery;
using ScaleFast.Gateway.LoadBalancing;
using ScaleFast.Gateway.RateLimiting;
using ScaleFast.Gateway.Retries;
using ScaleFast.Settings;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace ScaleFast.Gateway.Extensions;

internal static class GatewayServiceExtensions
{
    /// <summary>
    /// YARP from the <c>ReverseProxy</c> section: the route, health checks, limits and timeouts are in
    /// appsettings.json; the destinations (each <c>api-i</c>'s http address, and its management
    /// address for the health probe) come from the AppHost.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddRequestTimeouts();

        builder.Services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((forwarded, gateway) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in gateway.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<GatewayConfigFilter>();
        // YARP keeps a destination that failed passively out for the longer of the cluster's
        // ReactivationPeriod and the failure-rate window (60 s by default): the configured 10 s
        // were 60 s. The window is the shortest reactivation period the clusters configure.
        if (builder.Configuration.GetSection("ReverseProxy:Clusters").GetChildren()
                .Select(cluster => cluster.GetValue<TimeSpan?>("HealthCheck:Passive:ReactivationPeriod"))
                .Min() is { } reactivation)
        {
            builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(options => options.DetectionWindowSize = reactivation);
        }

        builder.Services.AddSingleton<ILoadBalancingPolicy, IpHashLoadBalancingPolicy>();
        builder.AddPodDiscovery();
        builder.Services.AddSingleton<BalancingMetrics>();

        builder.AddGatewayRateLimiting();
        builder.AddGatewayTelemetry();

        return builder;
    }

    /// <summary>
    /// A request cut off by the route's timeout is a 504, which the status-code pages then turn
    /// into ProblemDetails. YARP sees only its request token cancelled and reports it as the
    /// client's own cancellation, a 400.
    /// </summary>
    private static IApplicationBuilder UseTimeoutStatus(this IApplicationBuilder pipeline) =>
        pipeline.Use(async (context, next) =>
        {
            await next(context);
            if (!context.Response.HasStarted
                && context.Features.Get<Microsoft.AspNetCore.Http.Timeouts.IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true)
            {
                context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            }
        });

    /// <summary>The middleware in front of the proxy, in order.</summary>
    public static IApplicationBuilder UseGatewayPipeline(this IApplicationBuilder app)
    {
        // First: the client's address is known before anything logs, limits or balances by it.
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        // The gateway's own errors (404, 413, 502, 503, 504) get ProblemDetails bodies.
        app.UseStatusCodePages();
        app.UseRequestTimeouts();
        app.UseGatewayRateLimiting();
        return app;
    }

    /// <summary>
    /// The proxy pipeline: retries wrap balancing, so that a retry balances again over the replicas
    /// left; passive health sees every attempt.
    /// </summary>
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        var metrics = app.ServiceProvider.GetRequiredService<BalancingMetrics>();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.UseTimeoutStatus();
            pipeline.UseRetryOnTransportError();
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            metrics.Record(pipeline);
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }
}
