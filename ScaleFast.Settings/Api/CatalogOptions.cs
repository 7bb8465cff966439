using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Settings;

/// <summary>
/// Catalog caching knobs (section <c>Catalog</c>). The AppHost forwards its own <c>Catalog</c> section
/// to every API instance and validates it with this class at start.
/// </summary>
public sealed class CatalogOptions : IValidatableObject
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Catalog";

    /// <summary>Whether product reads go through the cache at all. Default true (off: every read hits Postgres).</summary>
    public bool CacheEnabled { get; set; } = true;

    /// <summary>How long a product stays in Redis (L2). Default 60 s.</summary>
    public TimeSpan CacheExpiration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a product stays in an instance's memory (L1). Default 10 s: writes reach other
    /// instances by Redis pub/sub, and this bounds staleness should a message be lost.
    /// </summary>
    public TimeSpan LocalCacheExpiration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a cache operation waits for Redis; past it, a read goes to Postgres. Default 100 ms:
    /// Redis answers in well under a millisecond when it is well.
    /// </summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>After Redis failed several operations, how long the cache skips it before trying again. Default 5 s.</summary>
    public TimeSpan RedisBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>max-age</c> given to browsers and CDNs. Default 10 s.</summary>
    public TimeSpan HttpMaxAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CacheExpiration <= TimeSpan.Zero || LocalCacheExpiration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Cache expirations must be positive.", [nameof(CacheExpiration), nameof(LocalCacheExpiration)]);
        }

        if (LocalCacheExpiration > CacheExpiration)
        {
            yield return new ValidationResult("LocalCacheExpiration must not exceed CacheExpiration.", [nameof(LocalCacheExpiration)]);
        }

        if (RedisTimeout <= TimeSpan.Zero || RedisTimeout > TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult("RedisTimeout must be between 0 and 10 s.", [nameof(RedisTimeout)]);
        }

        if (RedisBreakDuration < TimeSpan.FromMilliseconds(500) || RedisBreakDuration > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("RedisBreakDuration must be between 0.5 s and 10 min.", [nameof(RedisBreakDuration)]);
        }

        if (HttpMaxAge < TimeSpan.Zero)
        {
            yield return new ValidationResult("HttpMaxAge must not be negative.", [nameof(HttpMaxAge)]);
        }
    }
}
