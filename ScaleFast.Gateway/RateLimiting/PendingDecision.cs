using System.Threading.Tasks.Sources;
using Microsoft.Extensions.ObjectPool;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// One request waiting for its decision: in a batch (one slot taken for it alone) or behind its
/// client's <see cref="ClientLease"/>. Pooled, and awaited as a <see cref="ValueTask{TResult}"/>,
/// so that waiting costs no allocation per request. It goes back to its pool once its decision
/// has been read, which its one awaiter does exactly once.
/// </summary>
internal sealed class PendingDecision : RedisOperation, IValueTaskSource<RateLimitDecision>
{
    // Decisions are completed many in a row: each request continues on the thread pool, not on
    // the batch loop (which must go on to the next batch) nor inside a lease's lock.
    private ManualResetValueTaskSourceCore<RateLimitDecision> _core = new() { RunContinuationsAsynchronously = true };
    private ObjectPool<PendingDecision>? _pool;

    public ValueTask<RateLimitDecision> Decision => new(this, _core.Version);

    public static PendingDecision Rent(ObjectPool<PendingDecision> pool, RedisKey key, int limit, long deadline, long phase)
    {
        var pending = pool.Get();
        pending._pool = pool;
        pending.Key = key;
        pending.Limit = limit;
        pending.Deadline = deadline;
        pending.Phase = phase;
        return pending;
    }

    public override int Amount() => 1;

    public override void Complete(in RedisGrant grant) => Complete(new RateLimitDecision(
        grant.Granted > 0 ? RateLimitOutcome.Allowed : RateLimitOutcome.Rejected, Limit, grant.Remaining, grant.Reset));

    public override void Fail() => Complete(RateLimitDecision.Unavailable);

    /// <summary>Hands the decision to the waiting request; once per rental.</summary>
    public void Complete(RateLimitDecision decision) => _core.SetResult(decision);

    public RateLimitDecision GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            Key = default;
            _pool?.Return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
