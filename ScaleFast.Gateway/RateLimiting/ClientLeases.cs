using System.Collections.Concurrent;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// This gateway's leases, one per client and policy seen lately: most requests take their slot
/// here, with no call to Redis; Redis sees one operation per lease (a
/// <see cref="LeaseSizeDivisor"/>th of the limit), and one per lease when its bucket ends (renewed
/// with its unused slots given back, or only given back). The bound this costs is stated in
/// <see cref="LeaseSize"/>. A lease unused for a bucket is retired; past <see cref="MaxLeases"/>
/// clients, a request is decided alone in Redis, as with no leases, so a flood of addresses cannot
/// grow the gateway.
/// </summary>
internal sealed class ClientLeases : IAsyncDisposable
{
    /// <summary>A lease holds at most this fraction of the limit (and at least one slot).</summary>
    public const int LeaseSizeDivisor = 20;

    /// <summary>Clients with a lease at once; a few hundred bytes each (the lease, its key, its table entries).</summary>
    public const int MaxLeases = 100_000;

    /// <summary>
    /// Leases looked at in one sweep at most: at the end of its bucket each active client's lease
    /// is renewed or given back. Clients' buckets end at their own phases, spread over the bucket's
    /// width; should many end together (or the sweep fall behind), their operations go to Redis a
    /// sweep's worth at a time, so that they neither fill the queue (failing requests' own
    /// operations) nor hold Redis long.
    /// </summary>
    public const int MaxPerSweep = 1024;

    private readonly SlidingWindowBuckets _buckets;
    private readonly ConcurrentDictionary<string, ClientLease> _leases = new(StringComparer.Ordinal);
    // Leases by the end of their bucket: each client's buckets end at its own phase, so the order
    // they are tracked in is not the order they end in.
    private readonly PriorityQueue<(ClientLease Lease, long Bucket), long> _expiring = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sweeping;
    private int _count;

    /// <param name="buckets">The state in Redis, and the clock.</param>
    /// <param name="batcher">What takes operations to Redis.</param>
    /// <param name="sweepPeriod">
    /// How often expired leases are looked for and given back: the delay after a bucket's end
    /// before its unused slots count no more. <see cref="Timeout.InfiniteTimeSpan"/>: only when
    /// <see cref="GiveBackExpired"/> is called (tests on a clock of their own).
    /// </param>
    public ClientLeases(SlidingWindowBuckets buckets, RedisDecisionBatcher batcher, TimeSpan sweepPeriod)
    {
        _buckets = buckets;
        Batcher = batcher;
        _sweeping = sweepPeriod == Timeout.InfiniteTimeSpan ? Task.CompletedTask : SweepAsync(sweepPeriod, _stopping.Token);
    }

    public RedisDecisionBatcher Batcher { get; }

    /// <summary>Clients with a lease now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The slots one lease holds at most, unused: ⌊<paramref name="limit"/> / 20⌋, at least 1. With
    /// G gateways sharing Redis, the other gateways' unused leases may hold up to (G - 1) times this
    /// of a client's limit: a client is never refused before it was admitted the limit less that,
    /// within the window and one bucket. The upper bound stays exact.
    /// </summary>
    public static int LeaseSize(int limit) => Math.Max(1, limit / LeaseSizeDivisor);

    public long Now() => _buckets.Now();

    /// <summary>One request's decision for the client and policy of <paramref name="key"/>.</summary>
    public ValueTask<RateLimitDecision> DecideAsync(RedisKey key, int limit)
    {
        var name = (string)key!;
        while (true)
        {
            if (!_leases.TryGetValue(name, out var lease))
            {
                if (Interlocked.Increment(ref _count) > MaxLeases)
                {
                    Interlocked.Decrement(ref _count);
                    return Batcher.DecideAsync(key, limit);
                }

                var added = new ClientLease(this, key, limit, LeaseSize(limit), _buckets.PhaseOf(key));
                lease = _leases.GetOrAdd(name, added);
                if (lease != added)
                {
                    Interlocked.Decrement(ref _count);
                }
            }

            if (lease.TryDecide(Now(), out var decision))
            {
                return decision;
            }
        }
    }

    /// <summary>
    /// Renews or gives back the leases whose bucket has ended, up to <see cref="MaxPerSweep"/>
    /// (every lease, renewing none, when <paramref name="all"/>: the gateway stops). Returns how
    /// many it looked at: <see cref="MaxPerSweep"/> when more may be due.
    /// </summary>
    public int GiveBackExpired(bool all = false)
    {
        var now = Now();
        var looked = 0;
        while ((all || looked < MaxPerSweep) && TryTakeExpired(all ? long.MaxValue : now, out var entry))
        {
            looked++;
            // Outside the queue's lock: a lease renewed here is tracked again under its own lock.
            var unused = entry.Lease.Expire(entry.Bucket, now, force: all);
            if (unused > 0)
            {
                GiveBack(entry.Lease.Key, entry.Bucket, unused);
            }
        }

        return looked;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _sweeping;
        // What this gateway holds goes back before it stops, so that other gateways may use it
        // (as much as the queue takes: the rest counts until its bucket leaves the window).
        GiveBackExpired(all: true);
        _stopping.Dispose();
    }

    /// <summary>A lease took slots in a new bucket: it is looked at again when that bucket ends.</summary>
    internal void Track(ClientLease lease, long bucket, long expires)
    {
        lock (_expiring)
        {
            _expiring.Enqueue((lease, bucket), expires);
        }
    }

    internal void GiveBack(RedisKey key, long bucket, int unused) =>
        Batcher.TryQueue(new LeaseReturn(key, bucket, unused, Batcher.NewDeadline()));

    internal void Remove(ClientLease lease)
    {
        if (_leases.TryRemove(KeyValuePair.Create((string)lease.Key!, lease)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private bool TryTakeExpired(long now, out (ClientLease Lease, long Bucket) entry)
    {
        lock (_expiring)
        {
            if (_expiring.TryPeek(out entry, out var expires) && expires <= now)
            {
                _expiring.Dequeue();
                return true;
            }

            return false;
        }
    }

    private async Task SweepAsync(TimeSpan period, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                GiveBackExpired();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
