using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// The limiter's state in Redis: per client and policy, the requests admitted in each of the
/// <see cref="BucketsPerWindow"/> + 1 sub-windows (buckets) that overlap the last window, in one
/// small string key that expires with its newest bucket. A request is admitted when those buckets
/// hold fewer than the limit. Counting the oldest bucket whole makes the bound exact: in any
/// window of the configured length no client gets more than the limit, across every gateway
/// sharing Redis; and a request is refused only when the limit was reached within the last
/// window plus one bucket. One Lua script (<c>SlidingWindowBuckets.lua</c>) decides a whole batch
/// of requests atomically, on Redis' clock.
/// </summary>
internal sealed class SlidingWindowBuckets
{
    /// <summary>
    /// Buckets per window (k). More buckets refuse closer to the exact window (the least a client
    /// gets is the limit per window plus one bucket), but each takes three bytes of the key's
    /// value: six keep it at 28 bytes, the most that fits the smallest allocation Redis makes for
    /// a value beside a key of this length. Changing it changes the stored format: old keys would
    /// be misread until they expire.
    /// </summary>
    public const int BucketsPerWindow = 6;

    /// <summary>Keys are under their own prefix: the sorted sets of the earlier sliding-window log had another shape.</summary>
    public const string KeyPrefix = "scalefast:rl:";

    private const int ResetShift = 21;

    private static readonly string Script = ReadScript();

    private readonly IDatabase _redis;
    private readonly long _bucketMicroseconds;
    private readonly Func<long>? _clock;

    /// <param name="redis">The Redis every gateway shares.</param>
    /// <param name="window">The sliding window.</param>
    /// <param name="clock">
    /// Tests only: the time in microseconds each batch is decided at, so that a seeded arrival
    /// pattern replays fast. Without it, Redis' own clock decides, so that every gateway agrees.
    /// </param>
    public SlidingWindowBuckets(IConnectionMultiplexer redis, TimeSpan window, Func<long>? clock = null)
    {
        _redis = redis.GetDatabase();
        _bucketMicroseconds = BucketMicroseconds(window);
        _clock = clock;
    }

    /// <summary>
    /// How long one bucket of <paramref name="window"/> lasts, in microseconds: the slack of the
    /// lower bound. Rounded up: the buckets must cover the window whole for the upper bound to hold.
    /// </summary>
    public static long BucketMicroseconds(TimeSpan window) =>
        ((long)window.TotalMicroseconds + BucketsPerWindow - 1) / BucketsPerWindow;

    /// <summary>Sends one batch of decisions to Redis: one key and one limit per decision, in order.</summary>
    public Task<RedisResult> DecideAsync(RedisKey[] keys, int[] limits)
    {
        var arguments = new RedisValue[3 + limits.Length];
        arguments[0] = _clock?.Invoke() ?? 0;
        arguments[1] = _bucketMicroseconds;
        arguments[2] = BucketsPerWindow;
        for (var i = 0; i < limits.Length; i++)
        {
            arguments[3 + i] = limits[i];
        }

        return _redis.ScriptEvaluateAsync(Script, keys, arguments);
    }

    /// <summary>Reads one decision of the script's reply.</summary>
    public static RateLimitDecision Decode(long reply, int limit) => new(
        (reply & 1) == 1 ? RateLimitOutcome.Allowed : RateLimitOutcome.Rejected,
        limit,
        Remaining: (int)((reply >> 1) & ((1 << (ResetShift - 1)) - 1)),
        Reset: TimeSpan.FromMilliseconds(reply >> ResetShift));

    private static string ReadScript()
    {
        using var stream = typeof(SlidingWindowBuckets).Assembly.GetManifestResourceStream($"{typeof(SlidingWindowBuckets).FullName}.lua")
            ?? throw new InvalidOperationException("The rate limiter's Lua script is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
