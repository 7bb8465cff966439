using System.IO.Hashing;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// The limiter's state in Redis: per client and policy, the slots taken in each of the
/// <see cref="BucketsPerWindow"/> + 1 sub-windows (buckets) that overlap the last window, in one
/// small string key that expires with its newest bucket. Slots are taken (for one request, or
/// leased to a gateway for the rest of the bucket) while those buckets hold no more than the
/// limit. Counting the oldest bucket whole makes the bound exact: in any window of the configured
/// length no client gets more than the limit, across every gateway sharing Redis; and nothing is
/// refused unless the limit was taken within the last window plus one bucket. Each client's
/// buckets begin at its own <see cref="Phase"/>, so that the ends of buckets (and the leases
/// renewed at them) are spread over time instead of falling on the same instant for every client.
/// One Lua script (<c>SlidingWindowBuckets.lua</c>) runs a whole batch of operations atomically,
/// on Redis' clock.
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

    private const int ResetShift = 20;

    // The script stores bucket numbers modulo 2^32.
    private const long BucketNumbers = 1L << 32;

    private static readonly string Script = ReadScript();
    private static readonly double MicrosecondsPerTimestamp = 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;

    private readonly IDatabase _redis;
    private readonly long _bucketMicroseconds;
    private readonly Func<long>? _clock;

    /// <param name="redis">The Redis every gateway shares.</param>
    /// <param name="window">The sliding window.</param>
    /// <param name="clock">
    /// Tests only: the time in microseconds, for the gateway and for Redis alike, so that a seeded
    /// arrival pattern replays fast. Without it, Redis' own clock decides, so that every gateway
    /// agrees, and leases expire on this machine's monotonic clock.
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

    /// <summary>
    /// When in each bucket's width the buckets of <paramref name="key"/> begin, in microseconds
    /// (under <paramref name="bucketMicroseconds"/>): from a hash of the key that every gateway
    /// computes alike, so that they all count a client in the same buckets.
    /// </summary>
    public static long Phase(string key, long bucketMicroseconds) =>
        (long)(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan())) % (ulong)bucketMicroseconds);

    /// <summary>The <see cref="Phase"/> of <paramref name="key"/> for this window.</summary>
    public long PhaseOf(RedisKey key) => Phase((string)key!, _bucketMicroseconds);

    /// <summary>The limiter's clock in microseconds: this machine's monotonic one (or the tests').</summary>
    public long Now() => _clock?.Invoke() ?? (long)(System.Diagnostics.Stopwatch.GetTimestamp() * MicrosecondsPerTimestamp);

    /// <summary>
    /// Sends one batch to Redis: one operation per key, in order. <paramref name="sentAt"/> is
    /// <see cref="Now"/> before sending, from which <see cref="Read"/> counts each grant's
    /// <see cref="RedisGrant.Expires"/>, so that it is never later than the bucket's real end.
    /// </summary>
    public Task<RedisResult> SendAsync(IReadOnlyList<RedisOperation> batch, out long sentAt)
    {
        var keys = new RedisKey[batch.Count];
        var arguments = new RedisValue[3 + 5 * batch.Count];
        sentAt = Now();
        arguments[0] = _clock is null ? 0 : sentAt;
        arguments[1] = _bucketMicroseconds;
        arguments[2] = BucketsPerWindow;
        for (var i = 0; i < batch.Count; i++)
        {
            var operation = batch[i];
            var at = 3 + 5 * i;
            keys[i] = operation.Key;
            arguments[at] = operation.Limit;
            arguments[at + 1] = operation.Amount();
            arguments[at + 2] = operation.ReturnBucket;
            arguments[at + 3] = operation.ReturnAmount;
            arguments[at + 4] = operation.Phase;
        }

        return _redis.ScriptEvaluateAsync(Script, keys, arguments);
    }

    /// <summary>
    /// Reads the script's answer to <paramref name="batch"/>, sent at <paramref name="sentAt"/> and
    /// received at <paramref name="receivedAt"/> (both <see cref="Now"/>): one grant per operation,
    /// in its own key's bucket.
    /// </summary>
    public void Read(RedisResult result, IReadOnlyList<RedisOperation> batch, long sentAt, long receivedAt, Span<RedisGrant> grants)
    {
        var replies = (RedisResult[])result!;
        if (replies.Length != 2 * grants.Length + 1)
        {
            throw new InvalidOperationException($"The rate limiter's script answered {replies.Length} values for {grants.Length} operations.");
        }

        var now = (long)replies[^1];
        for (var i = 0; i < grants.Length; i++)
        {
            var reply = (long)replies[2 * i];
            var current = (now - batch[i].Phase) / _bucketMicroseconds;
            var left = (current + 1) * _bucketMicroseconds + batch[i].Phase - now;
            grants[i] = new RedisGrant(
                Granted: (int)(long)replies[2 * i + 1],
                Remaining: (int)(reply & ((1 << ResetShift) - 1)),
                Reset: TimeSpan.FromMilliseconds(reply >> ResetShift),
                Bucket: current % BucketNumbers,
                Expires: sentAt + left,
                EndsBy: receivedAt + left);
        }
    }

    private static string ReadScript()
    {
        using var stream = typeof(SlidingWindowBuckets).Assembly.GetManifestResourceStream($"{typeof(SlidingWindowBuckets).FullName}.lua")
            ?? throw new InvalidOperationException("The rate limiter's Lua script is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
