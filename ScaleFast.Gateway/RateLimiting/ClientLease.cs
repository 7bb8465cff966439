using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// Slots of one client and policy that this gateway took from Redis ahead of the requests that
/// use them, valid until the bucket they were taken in ends. Requests take a slot here with no
/// call to Redis; when half the lease is used, more is asked for in the background, and a request
/// finding none waits for it. When the bucket ends, a lease that was used is renewed for the new
/// one in the same operation that gives back its unused slots, so a steady client's requests do
/// not wait for Redis at the turn of a bucket; one that was not used is given back and retired.
/// It is itself the operation that asks Redis: at most one is in flight per lease. All state is
/// guarded by the lease's own lock.
/// </summary>
internal sealed class ClientLease : RedisOperation
{
    private readonly ClientLeases _owner;
    private readonly int _size;
    private readonly Queue<PendingDecision> _waiters = new();
    private long _bucket = -1;
    private long _expires;
    private long _endsBy;
    private int _slots;
    private int _remaining;
    private long _resetAt;
    private bool _used;
    private bool _asking;
    private bool _retired;

    /// <param name="owner">The gateway's leases.</param>
    /// <param name="key">The client and policy.</param>
    /// <param name="limit">The policy's limit.</param>
    /// <param name="size">Slots a lease holds at most, unused.</param>
    /// <param name="phase">When the key's buckets begin (<see cref="SlidingWindowBuckets.Phase"/>).</param>
    public ClientLease(ClientLeases owner, RedisKey key, int limit, int size, long phase)
    {
        _owner = owner;
        _size = size;
        Key = key;
        Limit = limit;
        Phase = phase;
    }

    /// <summary>
    /// A slot for one request: at once from the lease, else when Redis answers. False when the
    /// lease was retired meanwhile (the caller looks the client up again).
    /// </summary>
    public bool TryDecide(long now, out ValueTask<RateLimitDecision> decision)
    {
        bool ask;
        lock (this)
        {
            if (_retired)
            {
                decision = default;
                return false;
            }

            if (_slots > 0 && now < _expires)
            {
                _slots--;
                _used = true;
                decision = new(Allowed(now));
                ask = !_asking && 2 * _slots < _size;
            }
            else
            {
                var waiter = _owner.Batcher.Rent(Key, Limit);
                _waiters.Enqueue(waiter);
                decision = waiter.Decision;
                ask = !_asking;
                if (ask && _slots > 0)
                {
                    // Slots of a bucket that has ended go back in the operation that asks for the
                    // new one, before it takes: Redis counts them no more when it answers (the
                    // sweep would give them back up to its period later, refusing meanwhile a
                    // client below its limit and under-reporting RateLimit-Remaining).
                    ReturnBucket = _bucket;
                    ReturnAmount = _slots;
                    _slots = 0;
                }
            }

            if (ask)
            {
                _asking = true;
                Deadline = AnswerBy();
            }
        }

        if (ask)
        {
            Ask();
        }

        return true;
    }

    /// <summary>
    /// Once <paramref name="bucket"/> has surely ended (or, <paramref name="force"/>, when the
    /// gateway stops): the lease's unused slots, no longer usable, for the caller to give back.
    /// A lease used in that bucket is renewed instead (and gives them back itself); one left
    /// unused retires if nothing waits on it.
    /// </summary>
    public int Expire(long bucket, long now, bool force)
    {
        lock (this)
        {
            if (_bucket != bucket || (now < _endsBy && !force))
            {
                return 0;
            }

            var unused = _slots;
            _slots = 0;
            var renew = _used && !force && !_asking;
            _used = false;
            if (!renew)
            {
                if (!_asking && _waiters.Count == 0)
                {
                    Retire();
                }

                return unused;
            }

            _asking = true;
            Deadline = AnswerBy();
            ReturnBucket = bucket;
            ReturnAmount = unused;
        }

        Ask();
        return 0;
    }

    /// <summary>The waiting requests, and enough to fill the lease again.</summary>
    public override int Amount()
    {
        lock (this)
        {
            var held = _owner.Now() < _expires ? _slots : 0;
            return _waiters.Count + Math.Max(0, _size - held);
        }
    }

    public override void Complete(in RedisGrant grant)
    {
        var now = _owner.Now();
        bool again;
        lock (this)
        {
            ReturnAmount = 0;
            if (grant.Bucket == _bucket && now < _expires)
            {
                _slots += grant.Granted;
                _expires = Math.Min(_expires, grant.Expires);
            }
            else
            {
                // A new bucket: what is left of the old lease goes back (the sweep may have done it).
                if (_slots > 0)
                {
                    _owner.GiveBack(Key, _bucket, _slots);
                }

                _bucket = grant.Bucket;
                _expires = grant.Expires;
                _endsBy = grant.EndsBy;
                _slots = grant.Granted;
                _used = false;
                _owner.Track(this, _bucket, _endsBy);
            }

            _remaining = grant.Remaining;
            _resetAt = now + (long)grant.Reset.TotalMicroseconds;
            // Slots of a bucket that ended while Redis answered are not used: the sweep gives them back.
            while (_waiters.Count > 0 && _slots > 0 && now < _expires)
            {
                _slots--;
                _used = true;
                _waiters.Dequeue().Complete(Allowed(now));
            }

            // Waiting still: refused if Redis had nothing left, else (they came after the ask,
            // or the bucket ended) ask again.
            again = false;
            if (_waiters.Count > 0)
            {
                if (grant.Remaining == 0)
                {
                    var refused = new RateLimitDecision(RateLimitOutcome.Rejected, Limit, 0, grant.Reset);
                    while (_waiters.TryDequeue(out var waiter))
                    {
                        waiter.Complete(refused);
                    }
                }
                else
                {
                    again = true;
                    Deadline = AnswerBy();
                }
            }

            _asking = again;
        }

        if (again)
        {
            Ask();
        }
    }

    /// <summary>Redis did not answer: the waiting requests are undecided; slots it was giving back count until their bucket leaves the window.</summary>
    public override void Fail()
    {
        lock (this)
        {
            _asking = false;
            ReturnAmount = 0;
            while (_waiters.TryDequeue(out var waiter))
            {
                waiter.Complete(RateLimitDecision.Unavailable);
            }

            // Nothing held: nothing to keep (a lease Redis never answered is not left behind).
            if (_slots == 0)
            {
                Retire();
            }
        }
    }

    private void Retire()
    {
        _retired = true;
        _owner.Remove(this);
    }

    /// <summary>The oldest waiting request's deadline: none waits past its own timeout.</summary>
    private long AnswerBy() => _waiters.TryPeek(out var oldest) ? oldest.Deadline : _owner.Batcher.NewDeadline();

    private void Ask()
    {
        if (!_owner.Batcher.TryQueue(this))
        {
            Fail();
        }
    }

    private RateLimitDecision Allowed(long now) =>
        new(RateLimitOutcome.Allowed, Limit, _remaining + _slots, TimeSpan.FromMicroseconds(Math.Max(0, _resetAt - now)));
}
