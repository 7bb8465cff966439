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

    public CacheMetrics(IMeterFactory meterFactory) =>
        _requests = meterFactory.Create(MeterName).CreateCounter<long>(
            "scalefast.cache.requests", unit: "{request}", description: "Cache lookups by cache, layer (memory, redis) and result (hit, miss).");

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
