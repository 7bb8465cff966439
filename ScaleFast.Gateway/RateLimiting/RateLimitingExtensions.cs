using Microsoft.Extensions.Options;
using ScaleFast.Settings;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

internal static class RateLimitingExtensions
{
    public const string RedisConnectionName = "redis";

    /// <summary>How soon after its bucket ends a lease's unused slots go back to Redis.</summary>
    public static readonly TimeSpan SweepPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>The Redis sliding-window limiter: its options, its Redis client, the batch loop and the leases.</summary>
    public static IHostApplicationBuilder AddGatewayRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // No readiness check on Redis: with Redis down the gateway still serves (fail open) or
        // refuses with 429 (fail closed); it must not leave its own load balancer's pool.
        // No span per Redis command either: the client's command profiler costs more than the
        // decision; the decision is a tag on the request's own span instead. Replies are read on
        // the .NET thread pool, which on few cores costs less than the client's own threads. And
        // with no connection a command fails at once instead of waiting in the client's backlog:
        // the failure mode applies without waiting for the timeout.
        builder.AddRedisClient(
            RedisConnectionName,
            settings =>
            {
                settings.DisableHealthChecks = true;
                settings.DisableTracing = true;
            },
            options =>
            {
                options.SocketManager = SocketManager.ThreadPool;
                options.BacklogPolicy = BacklogPolicy.FailFast;
            });
        builder.Services.AddSingleton(services => new SlidingWindowBuckets(
            services.GetRequiredService<IConnectionMultiplexer>(),
            services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Window));
        builder.Services.AddSingleton(services => new RedisDecisionBatcher(
            services.GetRequiredService<SlidingWindowBuckets>(),
            services.GetRequiredService<IOptions<RateLimitingOptions>>().Value,
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            services.GetRequiredService<ILogger<RedisDecisionBatcher>>()));
        builder.Services.AddSingleton(services => new ClientLeases(
            services.GetRequiredService<SlidingWindowBuckets>(), services.GetRequiredService<RedisDecisionBatcher>(), SweepPeriod));

        return builder;
    }

    /// <summary>The rate-limiting middleware, unless <see cref="RateLimitingOptions.Enabled"/> is false.</summary>
    public static IApplicationBuilder UseGatewayRateLimiting(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Enabled
            ? app.UseMiddleware<RateLimitingMiddleware>()
            : app;
}
