using System.Diagnostics.Metrics;

namespace ScaleFast.Api.Catalog;

/// <summary>
/// <c>scalefast.cache.requests</c>: lookups per cache layer and result. HybridCache has no meter of
/// its own. Each read counts once at <c>memory</c> (L1); an L1 miss counts again at <c>redis</c>
/// (L2), and an L2 miss went to Postgres. Hit ratio = 1 − redis misses ÷ memory lookups.
/// </summary>
internal sealed class CacheMetrics
{
    public const string MeterName = "ScaleFast.Cache";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _redisFailures;
    private volatile bool _redisAvailable = true;

    public CacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(
            "scalefast.cache.requests", unit: "{request}", description: "Cache lookups by cache, layer (memory, redis) and result (hit, miss).");
        _redisFailures = meter.CreateCounter<long>(
            "scalefast.cache.redis_failures", unit: "{operation}",
            description: "Redis operations of the cache that were not done, by operation (get, set, remove) and reason (timeout, error, skipped while Redis is held to be away).");
        meter.CreateObservableGauge(
            "scalefast.cache.redis_available", () => _redisAvailable ? 1 : 0, unit: "{state}",
            description: "1 while the cache uses Redis, 0 while it skips it (reads go to Postgres).");
    }

    public bool RedisAvailable => _redisAvailable;

    public void SetRedisAvailable(bool available) => _redisAvailable = available;

    public void RecordRedisFailure(string operation, string reason) => _redisFailures.Add(
        1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("reason", reason));

    public void RecordLookup(string cache, CacheLookup lookup)
    {
        Record(cache, "memory", lookup == CacheLookup.MemoryHit);
        if (lookup != CacheLookup.MemoryHit)
        {
            Record(cache, "redis", lookup == CacheLookup.RedisHit);
        }
    }

    private void Record(string cache, string layer, bool hit) => _requests.Add(
        1,
        new KeyValuePair<string, object?>("cache", cache),
        new KeyValuePair<string, object?>("layer", layer),
        new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
}

/// <summary>Where a cached read was answered from.</summary>
internal enum CacheLookup
{
    MemoryHit,
    RedisHit,
    Miss,
}
