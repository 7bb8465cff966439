using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Api.Catalog;

/// <summary>Catalog caching knobs (section <c>Catalog</c>).</summary>
public sealed class CatalogOptions : IValidatableObject
{
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

    /// <summary>The <c>max-age</c> given to browsers and CDNs. Default 10 s.</summary>
    public TimeSpan HttpMaxAge { get; set; } = TimeSpan.FromSeconds(10);

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

        if (HttpMaxAge < TimeSpan.Zero)
        {
            yield return new ValidationResult("HttpMaxAge must not be negative.", [nameof(HttpMaxAge)]);
        }
    }
}
