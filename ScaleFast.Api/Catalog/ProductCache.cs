using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Npgsql;
using ScaleFast.Settings;

namespace ScaleFast.Api.Catalog;

/// <summary>
/// Cache-aside product reads through HybridCache (L1 this instance's memory, L2 Redis). Writes
/// remove the entry here and broadcast the key, so that every other instance drops its L1 copy.
/// </summary>
internal sealed class ProductCache(
    HybridCache cache,
    ProductStore store,
    CacheMetrics metrics,
    CacheInvalidationBus invalidation,
    IOptions<CatalogOptions> options)
{
    private const string CacheName = "product";

    private readonly HybridCacheEntryOptions _entryOptions = new()
    {
        Expiration = options.Value.CacheExpiration,
        LocalCacheExpiration = options.Value.LocalCacheExpiration,
    };

    // Read what Redis holds, and nothing else: no database, nothing written back.
    private static readonly HybridCacheEntryOptions RedisOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableUnderlyingData | HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite,
    };

    /// <summary>What Redis puts before each of the cache's keys (the distributed cache's instance name).</summary>
    public const string RedisKeyPrefix = "scalefast:";

    public static string Key(long id) => $"product:{id}";

    /// <summary>The product, or null when there is none (also cached, so unknown ids do not reach Postgres each time).</summary>
    public async ValueTask<Product?> GetAsync(long id, CancellationToken cancellationToken)
    {
        if (!options.Value.CacheEnabled)
        {
            return await store.FindAsync(id, cancellationToken);
        }

        var load = new Load(store, id);
        var pending = cache.GetOrCreateAsync(Key(id), load, static async (load, ct) => await load.RunAsync(ct), _entryOptions, cancellationToken: cancellationToken);

        // HybridCache answers an L1 hit synchronously; anything else awaited Redis, and the
        // factory ran only when Redis missed too.
        var fromMemory = pending.IsCompletedSuccessfully;
        Product? product;
        try
        {
            product = await pending;
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            // The database is unavailable, and Redis was skipped (its breaker open) or slow: it is
            // the only source left, so ask it again, patiently, before the request gets its 503.
            product = await FromRedisOnlyAsync(id, cancellationToken);
            if (product is null)
            {
                throw;
            }
        }

        metrics.RecordLookup(CacheName, fromMemory ? CacheLookup.MemoryHit : load.Ran ? CacheLookup.Miss : CacheLookup.RedisHit);
        return product;
    }

    private async Task<Product?> FromRedisOnlyAsync(long id, CancellationToken cancellationToken)
    {
        using var patience = ResilientDistributedCache.Patiently(Key(id));
        return await cache.GetOrCreateAsync<Product?>(
            Key(id),
            static _ => ValueTask.FromResult<Product?>(null),
            RedisOnly,
            cancellationToken: cancellationToken);
    }

    /// <summary>After a committed write: drop the entry here and in Redis, and tell every instance.</summary>
    public async Task InvalidateAsync(long id, CancellationToken cancellationToken)
    {
        if (!options.Value.CacheEnabled)
        {
            return;
        }

        // Neither fails the committed write: what Redis does not take now waits in PendingInvalidations.
        var key = Key(id);
        await cache.RemoveAsync(key, cancellationToken);
        await invalidation.PublishAsync(key);
    }

    private sealed class Load(ProductStore store, long id)
    {
        public bool Ran { get; private set; }

        public async Task<Product?> RunAsync(CancellationToken cancellationToken)
        {
            Ran = true;
            return await store.FindAsync(id, cancellationToken);
        }
    }
}
