using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using ScaleFast.Api.Extensions;
using ScaleFast.Settings;
using StackExchange.Redis;

namespace ScaleFast.Api.Instance;

/// <summary>
/// <c>GET /api/instance</c>: which instance answered and that it reaches its database and cache
/// (a round trip to each, with its latency). Useful to watch the gateway spread requests.
/// </summary>
public static class InstanceApi
{
    public static IEndpointRouteBuilder MapInstanceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/instance", GetInstanceAsync)
            .WithName("GetInstance")
            .WithTags("Instance")
            .WithSummary("Says which instance answered")
            .WithDescription("With one round trip to its database and its cache, and their latencies: call it through the gateway to watch the balancing.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Ok<InstanceStatus>> GetInstanceAsync(
        NpgsqlDataSource dataSource,
        IConnectionMultiplexer redis,
        IOptions<InstanceOptions> options,
        IOptions<CatalogOptions> catalog,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var command = dataSource.CreateCommand("SELECT current_setting('server_version')");
        var databaseVersion = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        var databaseLatency = Stopwatch.GetElapsedTime(started);

        return TypedResults.Ok(new InstanceStatus(
            options.Value.Instance,
            new DatabaseStatus(
                $"PostgreSQL {databaseVersion}",
                databaseLatency.TotalMilliseconds,
                new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize),
            await PingCacheAsync(redis, catalog.Value.RedisTimeout)));
    }

    /// <summary>The cache is optional: when Redis does not answer in time, say so instead of waiting for it.</summary>
    private static async Task<DependencyStatus> PingCacheAsync(IConnectionMultiplexer redis, TimeSpan timeout)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(timeout);
            return new DependencyStatus($"Redis {redis.GetServers().FirstOrDefault()?.Version}", latency.TotalMilliseconds);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return new DependencyStatus("Redis (not answering)", null);
        }
    }
}

/// <summary>The instance that answered and a round trip to each of its dependencies.</summary>
public sealed record InstanceStatus(string Instance, DatabaseStatus Database, DependencyStatus Cache);

/// <summary>The database server's version, one round trip's latency, and this instance's connection pool size.</summary>
public sealed record DatabaseStatus(string Server, double LatencyMs, int MaxPoolSize);

/// <summary>A dependency's server version and the latency of one round trip, in milliseconds (null when it did not answer).</summary>
public sealed record DependencyStatus(string Server, double? LatencyMs);
