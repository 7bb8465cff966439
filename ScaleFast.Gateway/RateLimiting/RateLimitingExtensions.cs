using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

internal static class RateLimitingExtensions
{
    public const string RedisConnectionName = "redis";

    /// <summary>The Redis sliding-window limiter as the global limiter; a rejection is a 429 ProblemDetails with <c>Retry-After</c>.</summary>
    public static IHostApplicationBuilder AddGatewayRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // No readiness check on Redis: with Redis down the gateway still serves (fail open) or
        // refuses with 429 (fail closed); it must not leave its own load balancer's pool.
        // No span per Redis command either: the client's command profiler cost the gateway about
        // 80 µs of CPU per request (bench/gateway.sh), more than the rest of the limiter. The decision
        // is a tag on the request's own span instead (RedisRateLimiter). And no threads of its own:
        // the gateway never blocks on Redis, so the .NET thread pool reads its replies; on few
        // cores that measured about a tenth less CPU per decision than the client's dedicated pool.
        builder.AddRedisClient(
            RedisConnectionName,
            settings =>
            {
                settings.DisableHealthChecks = true;
                settings.DisableTracing = true;
            },
            options => options.SocketManager = SocketManager.ThreadPool);
        builder.Services.AddSingleton<RedisRateLimiter>();

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<RedisRateLimiter>((options, limiter) =>
        {
            options.GlobalLimiter = limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = WriteRejectionAsync;
        });

        return builder;
    }

    /// <summary>The rate-limiting middleware, unless <see cref="RateLimitingOptions.Enabled"/> is false.</summary>
    public static IApplicationBuilder UseGatewayRateLimiting(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Enabled ? app.UseRateLimiter() : app;

    private static async ValueTask WriteRejectionAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.Headers.RetryAfter = RedisRateLimiter.Seconds(retryAfter);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"This client has used its requests for the window; retry after {RedisRateLimiter.Seconds(retryAfter)} s.",
            },
        });
    }
}
