namespace ScaleFast.Gateway.RateLimiting;

/// <summary>What became of one request's decision.</summary>
internal enum RateLimitOutcome
{
    /// <summary>Within the limit.</summary>
    Allowed,

    /// <summary>Over the limit.</summary>
    Rejected,

    /// <summary>Redis did not decide in time (or at all): the failure mode applies.</summary>
    Unavailable,
}

/// <summary>One request's decision.</summary>
/// <param name="Outcome">Allowed, rejected, or undecided.</param>
/// <param name="Limit">The policy's limit per window.</param>
/// <param name="Remaining">Requests still allowed now, after this one.</param>
/// <param name="Reset">Until the oldest request admitted in the window stops counting: when a slot frees.</param>
internal readonly record struct RateLimitDecision(RateLimitOutcome Outcome, int Limit, int Remaining, TimeSpan Reset)
{
    public static readonly RateLimitDecision Unavailable = new(RateLimitOutcome.Unavailable, 0, 0, TimeSpan.Zero);
}
