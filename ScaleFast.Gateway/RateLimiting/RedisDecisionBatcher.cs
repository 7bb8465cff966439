using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.ObjectPool;
using ScaleFast.Gateway.LoadBalancing;
using ScaleFast.Settings;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// Takes every operation pending in this gateway (leases, returns, single decisions) to Redis in
/// one script call: one loop drains a bounded queue and sends what it holds as one batch, up to
/// <see cref="MaxBatchesInFlight"/> batches unanswered at once; with all of them out, the next one
/// gathers. Sockets, system calls and script dispatch are paid per batch, not per request. An
/// operation that Redis has not answered within
/// <see cref="RateLimitingOptions.RedisTimeout"/> fails (a decision is
/// <see cref="RateLimitOutcome.Unavailable"/>); so does every operation while a batch hangs, and
/// any that finds the queue full: nothing waits longer, nothing piles up.
/// </summary>
internal sealed partial class RedisDecisionBatcher : IAsyncDisposable
{
    /// <summary>Operations that may wait for Redis at once; past that they fail at once.</summary>
    public const int MaxPendingDecisions = 10_000;

    /// <summary>
    /// Batches sent and not yet answered at once. An operation queued while a batch is in flight
    /// goes out at once in the next (Redis answers them in order on the one connection) instead of
    /// waiting for the answer first: a new client's first request waits one round trip, not up to
    /// two. With every slot taken, the next batch gathers meanwhile.
    /// </summary>
    public const int MaxBatchesInFlight = 4;

    // One call holds Redis' single thread for its whole batch: bounded, so that others wait little.
    private const int MaxBatch = 256;

    // Enough for the decisions of several batches in flight and queued; more are garbage once used.
    private const int PooledDecisions = 1024;

    private readonly SlidingWindowBuckets _buckets;
    private readonly Channel<RedisOperation> _queue;
    private readonly ObjectPool<PendingDecision> _pool;
    private readonly long _timeoutTimestamps;
    private readonly string _failureOutcome;
    private readonly Histogram<int> _batchSize;
    private readonly ILogger<RedisDecisionBatcher> _logger;
    private readonly Task _loop;
    private readonly SemaphoreSlim _inFlight = new(MaxBatchesInFlight, MaxBatchesInFlight);
    private readonly ConcurrentBag<List<RedisOperation>> _batches = [];
    private int _hungBatches;
    private int _outstanding;
    private long _lastFailureLogTicks = long.MinValue / 2;

    /// <param name="buckets">The state in Redis.</param>
    /// <param name="options">The timeout and the failure mode (for the log).</param>
    /// <param name="meterFactory">For the batch size histogram.</param>
    /// <param name="logger">For Redis failures.</param>
    /// <param name="maxPending">The queue's bound; tests make it small.</param>
    public RedisDecisionBatcher(
        SlidingWindowBuckets buckets, RateLimitingOptions options, IMeterFactory meterFactory, ILogger<RedisDecisionBatcher> logger, int maxPending = MaxPendingDecisions)
    {
        _buckets = buckets;
        _queue = Channel.CreateBounded<RedisOperation>(new BoundedChannelOptions(maxPending) { SingleReader = true });
        _pool = new DefaultObjectPool<PendingDecision>(new DefaultPooledObjectPolicy<PendingDecision>(), PooledDecisions);
        _timeoutTimestamps = (long)(options.RedisTimeout.TotalSeconds * Stopwatch.Frequency);
        _failureOutcome = options.FailClosed ? "refused" : "let through";
        _batchSize = meterFactory.Create(BalancingMetrics.MeterName).CreateHistogram<int>(
            "scalefast.rate_limit.batch_size", unit: "{operation}",
            description: "Rate-limit operations (leases, returns, single decisions) sent to Redis in one script call.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Operations queued or in flight: 0 when this limiter has nothing left to hear from Redis.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Operations queued for the next batch (not those in flight).</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>The deadline of an operation queued now.</summary>
    public long NewDeadline() => Stopwatch.GetTimestamp() + _timeoutTimestamps;

    /// <summary>A pooled decision for a request to wait on (behind a lease: it is not sent itself).</summary>
    public PendingDecision Rent(RedisKey key, int limit) => PendingDecision.Rent(_pool, key, limit, NewDeadline(), phase: 0);

    /// <summary>Queues one request's decision (one slot, for it alone) for the next batch.</summary>
    public ValueTask<RateLimitDecision> DecideAsync(RedisKey key, int limit)
    {
        var pending = PendingDecision.Rent(_pool, key, limit, NewDeadline(), _buckets.PhaseOf(key));
        var decision = pending.Decision;
        if (!TryQueue(pending))
        {
            pending.Fail();
        }

        return decision;
    }

    /// <summary>
    /// Queues one operation for the next batch; false, at once, while a batch hangs or when the
    /// queue is full: the caller applies the failure (the operation was not queued).
    /// </summary>
    public bool TryQueue(RedisOperation operation)
    {
        if (Volatile.Read(ref _hungBatches) > 0)
        {
            return false;
        }

        Interlocked.Increment(ref _outstanding);
        if (_queue.Writer.TryWrite(operation))
        {
            return true;
        }

        Interlocked.Decrement(ref _outstanding);
        if (ShouldLogFailure())
        {
            LogQueueFull(_failureOutcome);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        await WarmUpAsync();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            // With every slot taken, the next batch gathers until an answer frees one.
            await _inFlight.WaitAsync();
            if (Volatile.Read(ref _hungBatches) > 0)
            {
                // Arrived before the hang was seen: undecided at once, as later ones are.
                while (reader.TryRead(out var operation))
                {
                    Fail(operation);
                }

                _inFlight.Release();
                continue;
            }

            var batch = _batches.TryTake(out var spare) ? spare : new List<RedisOperation>(MaxBatch);
            var now = Stopwatch.GetTimestamp();
            var deadline = long.MaxValue;
            while (batch.Count < MaxBatch && reader.TryRead(out var operation))
            {
                if (operation.Deadline > now)
                {
                    batch.Add(operation);
                    deadline = Math.Min(deadline, operation.Deadline);
                }
                else
                {
                    Fail(operation);
                }
            }

            if (batch.Count > 0)
            {
                // Not awaited: the next batch goes out while this one is in flight.
                _ = DecideAsync(batch, deadline);
            }
            else
            {
                Recycle(batch);
                _inFlight.Release();
            }
        }

        for (var i = 0; i < MaxBatchesInFlight; i++)
        {
            await _inFlight.WaitAsync();
        }
    }

    private async Task DecideAsync(List<RedisOperation> batch, long deadline)
    {
        _batchSize.Record(batch.Count);
        Task<RedisResult>? evaluation = null;
        try
        {
            evaluation = _buckets.SendAsync(batch, out var sentAt);
            var timeLeft = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            var result = await evaluation.WaitAsync(timeLeft > TimeSpan.Zero ? timeLeft : TimeSpan.Zero).ConfigureAwait(false);
            Complete(batch, result, sentAt, _buckets.Now());
        }
        catch (Exception e) when (e is TimeoutException && evaluation is not null)
        {
            // Before the batch's requests go on: what they do next is not queued behind it.
            Interlocked.Increment(ref _hungBatches);
            Fail(batch, e);
            SitOut(evaluation);
        }
        catch (Exception e)
        {
            // Whatever went wrong, no request may be left waiting.
            Fail(batch, e);
        }
        finally
        {
            Recycle(batch);
            _inFlight.Release();
        }
    }

    private void Recycle(List<RedisOperation> batch)
    {
        batch.Clear();
        _batches.Add(batch);
    }

    /// <summary>
    /// An empty batch first: the script is loaded and the code path compiled before the first
    /// requests, which would otherwise spend their whole timeout on it.
    /// </summary>
    private async Task WarmUpAsync()
    {
        try
        {
            await _buckets.SendAsync([], out _);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is not there yet: the first batches will say so.
        }
    }

    private void Complete(List<RedisOperation> batch, RedisResult result, long sentAt, long receivedAt)
    {
        // Read every answer before completing any: an operation is completed exactly once.
        var grants = ArrayPool<RedisGrant>.Shared.Rent(batch.Count);
        try
        {
            _buckets.Read(result, batch, sentAt, receivedAt, grants.AsSpan(0, batch.Count));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(grants[i]);
                Interlocked.Decrement(ref _outstanding);
            }
        }
        finally
        {
            ArrayPool<RedisGrant>.Shared.Return(grants);
        }
    }

    private void Fail(List<RedisOperation> batch, Exception exception)
    {
        foreach (var operation in batch)
        {
            Fail(operation);
        }

        if (ShouldLogFailure())
        {
            LogRedisUnavailable(exception, _failureOutcome);
        }
    }

    private void Fail(RedisOperation operation)
    {
        operation.Fail();
        Interlocked.Decrement(ref _outstanding);
    }

    /// <summary>
    /// A batch hangs (Redis stopped, or too slow): until the Redis client gives it up or it
    /// answers late, every operation fails at once instead of queueing behind it.
    /// </summary>
    private void SitOut(Task evaluation) =>
        _ = evaluation.ContinueWith(
            static (t, state) =>
            {
                Interlocked.Decrement(ref ((RedisDecisionBatcher)state!)._hungBatches);
                // A late failure is expected here and already reported: observe it.
                return t.Exception;
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    // One warning per 10 s at most: an outage must not flood the log.
    private bool ShouldLogFailure()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFailureLogTicks);
        return now - last > 10_000 && Interlocked.CompareExchange(ref _lastFailureLogTicks, now, last) == last;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rate limiter cannot reach Redis; requests are {Outcome} until it answers.")]
    private partial void LogRedisUnavailable(Exception exception, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rate limiter's queue for Redis is full; requests are {Outcome} until Redis catches up.")]
    private partial void LogQueueFull(string outcome);
}
