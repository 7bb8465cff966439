using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// One operation of a batch the <see cref="RedisDecisionBatcher"/> sends to Redis: slots taken
/// for a client and policy (one request's decision, or a <see cref="ClientLease"/>), or unused
/// slots given back (<see cref="LeaseReturn"/>).
/// </summary>
internal abstract class RedisOperation
{
    public RedisKey Key { get; protected set; }

    /// <summary>When the key's buckets begin (<see cref="SlidingWindowBuckets.Phase"/>); not read for a return.</summary>
    public long Phase { get; protected set; }

    /// <summary>The policy's limit per window; 0 for a return.</summary>
    public int Limit { get; protected set; }

    /// <summary>The bucket of the slots given back first (see <see cref="ReturnAmount"/>).</summary>
    public long ReturnBucket { get; protected set; }

    /// <summary>Unused slots of an ended lease given back before anything is taken; usually 0.</summary>
    public int ReturnAmount { get; protected set; }

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp by which Redis must have answered.</summary>
    public long Deadline { get; protected set; }

    /// <summary>The slots to take (or give back), read as the batch is sent.</summary>
    public abstract int Amount();

    /// <summary>Redis answered.</summary>
    public abstract void Complete(in RedisGrant grant);

    /// <summary>Redis did not answer in time, or at all.</summary>
    public abstract void Fail();
}

/// <summary>What Redis answered to one operation.</summary>
/// <param name="Granted">Slots taken.</param>
/// <param name="Remaining">What the limit leaves after them.</param>
/// <param name="Reset">Until the oldest slot taken in the window stops counting: when a slot frees.</param>
/// <param name="Bucket">The bucket the slots were taken in.</param>
/// <param name="Expires">
/// On the limiter's clock (<see cref="SlidingWindowBuckets.Now"/>), in microseconds: when the
/// bucket ends, as seen from the moment the batch was sent; never later than the real end.
/// </param>
/// <param name="EndsBy">The same, seen from the moment the answer came: never earlier than the real end.</param>
internal readonly record struct RedisGrant(int Granted, int Remaining, TimeSpan Reset, long Bucket, long Expires, long EndsBy);

/// <summary>
/// Unused slots of an expired lease going back to Redis. Nothing waits for it: if it is lost
/// (Redis away), the slots count until their bucket leaves the window.
/// </summary>
internal sealed class LeaseReturn : RedisOperation
{
    public LeaseReturn(RedisKey key, long bucket, int amount, long deadline)
    {
        Key = key;
        ReturnBucket = bucket;
        ReturnAmount = amount;
        Deadline = deadline;
    }

    public override int Amount() => 0;

    public override void Complete(in RedisGrant grant)
    {
    }

    public override void Fail()
    {
    }
}
