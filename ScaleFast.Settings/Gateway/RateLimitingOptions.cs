using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Settings;

/// <summary>
/// The rate limiter's knobs (section <c>Gateway:RateLimiting</c>). The AppHost forwards its own
/// <c>Gateway</c> section, this one included, to the gateway and validates it with this class at start.
/// </summary>
public sealed class RateLimitingOptions : IValidatableObject
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Gateway:RateLimiting";

    /// <summary>Whether the gateway limits at all. Default true; false only to measure what limiting costs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Reads (GET, HEAD, OPTIONS) a client may make per window. Default 600.</summary>
    [Range(1, 1_000_000)]
    public int ReadsPerWindow { get; set; } = 600;

    /// <summary>Writes (every other method) a client may make per window. Default 60.</summary>
    [Range(1, 1_000_000)]
    public int WritesPerWindow { get; set; } = 60;

    /// <summary>The sliding window. Default 60 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a decision may wait for Redis before the failure mode applies. Default 250 ms.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>When Redis cannot decide: let requests through (default, <c>false</c>) or refuse them (<c>true</c>).</summary>
    public bool FailClosed { get; set; }

    /// <summary>API keys that identify a client (the AppHost passes the admin key); any other key counts as none.</summary>
    public IList<string> KnownApiKeys { get; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("Window must be between 1 s and 1 day.", [nameof(Window)]);
        }

        if (RedisTimeout <= TimeSpan.Zero || RedisTimeout > TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult("RedisTimeout must be between 0 and 10 s.", [nameof(RedisTimeout)]);
        }
    }
}
