using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.ObjectPool;
using ScaleFast.Gateway.LoadBalancing;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// Takes every decision pending in this gateway to Redis in one script call: one loop drains a
/// bounded queue, sends what it holds as one batch and, while that batch is in flight, the next
/// one gathers. Sockets, system calls and script dispatch are paid per batch, not per request.
/// A decision that Redis has not made within <see cref="RateLimitingOptions.RedisTimeout"/> is
/// <see cref="RateLimitOutcome.Unavailable"/>; so is every decision while a batch hangs, and any
/// that finds the queue full: nothing waits longer, nothing piles up.
/// </summary>
internal sealed partial class RedisDecisionBatcher : IAsyncDisposable
{
    /// <summary>Decisions that may wait for Redis at once; past that the failure mode applies at once.</summary>
    public const int MaxPendingDecisions = 10_000;

    // One call holds Redis' single thread for its whole batch: bounded, so that others wait little.
    private const int MaxBatch = 256;

    // Enough for the decisions of several batches in flight and queued; more are garbage once used.
    private const int PooledDecisions = 1024;

    private readonly SlidingWindowBuckets _buckets;
    private readonly Channel<PendingDecision> _queue;
    private readonly ObjectPool<PendingDecision> _pool;
    private readonly long _timeoutTimestamps;
    private readonly string _failureOutcome;
    private readonly Histogram<int> _batchSize;
    private readonly ILogger<RedisDecisionBatcher> _logger;
    private readonly Task _loop;
    private volatile bool _batchHangs;
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
        _queue = Channel.CreateBounded<PendingDecision>(new BoundedChannelOptions(maxPending) { SingleReader = true });
        _pool = new DefaultObjectPool<PendingDecision>(new DefaultPooledObjectPolicy<PendingDecision>(), PooledDecisions);
        _timeoutTimestamps = (long)(options.RedisTimeout.TotalSeconds * Stopwatch.Frequency);
        _failureOutcome = options.FailClosed ? "refused" : "let through";
        _batchSize = meterFactory.Create(BalancingMetrics.MeterName).CreateHistogram<int>(
            "scalefast.rate_limit.batch_size", unit: "{decision}",
            description: "Rate-limit decisions sent to Redis in one script call.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues one decision for the next batch.</summary>
    public ValueTask<RateLimitDecision> DecideAsync(RedisKey key, int limit)
    {
        if (_batchHangs)
        {
            return new(RateLimitDecision.Unavailable);
        }

        var pending = PendingDecision.Rent(_pool, key, limit, Stopwatch.GetTimestamp() + _timeoutTimestamps);
        if (_queue.Writer.TryWrite(pending))
        {
            return pending.Decision;
        }

        _pool.Return(pending);
        if (ShouldLogFailure())
        {
            LogQueueFull(_failureOutcome);
        }

        return new(RateLimitDecision.Unavailable);
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
        var batch = new List<PendingDecision>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            var now = Stopwatch.GetTimestamp();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                if (pending.Deadline > now)
                {
                    batch.Add(pending);
                }
                else
                {
                    pending.Complete(RateLimitDecision.Unavailable);
                }
            }

            if (batch.Count > 0)
            {
                await DecideAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task DecideAsync(List<PendingDecision> batch)
    {
        _batchSize.Record(batch.Count);
        var keys = new RedisKey[batch.Count];
        var limits = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            keys[i] = batch[i].Key;
            limits[i] = batch[i].Limit;
        }

        Task<RedisResult>? evaluation = null;
        try
        {
            evaluation = _buckets.DecideAsync(keys, limits);
            // The batch is in order of arrival: its first decision has the least time left.
            var timeLeft = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), batch[0].Deadline);
            Complete(batch, (RedisResult[])(await evaluation.WaitAsync(timeLeft > TimeSpan.Zero ? timeLeft : TimeSpan.Zero))!);
        }
        catch (Exception e) when (e is TimeoutException && evaluation is not null)
        {
            // Before the batch's requests go on: what they do next is not queued behind it.
            _batchHangs = true;
            Fail(batch, e);
            await SitOutAsync(evaluation);
        }
        catch (Exception e)
        {
            // Whatever went wrong, no request may be left waiting.
            Fail(batch, e);
        }
    }

    /// <summary>
    /// An empty batch first: the script is loaded and the code path compiled before the first
    /// requests, which would otherwise spend their whole timeout on it.
    /// </summary>
    private async Task WarmUpAsync()
    {
        try
        {
            await _buckets.DecideAsync([], []);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is not there yet: the first batches will say so.
        }
    }

    private static void Complete(List<PendingDecision> batch, RedisResult[] replies)
    {
        if (replies.Length != batch.Count)
        {
            throw new InvalidOperationException($"The rate limiter's script answered {replies.Length} decisions for {batch.Count}.");
        }

        // Read every reply before completing any: a decision is completed exactly once.
        var values = ArrayPool<long>.Shared.Rent(replies.Length);
        try
        {
            for (var i = 0; i < replies.Length; i++)
            {
                values[i] = (long)replies[i];
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(SlidingWindowBuckets.Decode(values[i], batch[i].Limit));
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(values);
        }
    }

    private void Fail(List<PendingDecision> batch, Exception exception)
    {
        foreach (var pending in batch)
        {
            pending.Complete(RateLimitDecision.Unavailable);
        }

        if (ShouldLogFailure())
        {
            LogRedisUnavailable(exception, _failureOutcome);
        }
    }

    /// <summary>
    /// A batch hangs (Redis stopped, or too slow): until the Redis client gives it up or it
    /// answers late, every decision is undecided at once instead of queueing behind it.
    /// </summary>
    private async Task SitOutAsync(Task evaluation)
    {
        var reader = _queue.Reader;
        while (!evaluation.IsCompleted)
        {
            var more = reader.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(evaluation, more) == more && !await more)
            {
                break;
            }

            while (reader.TryRead(out var pending))
            {
                pending.Complete(RateLimitDecision.Unavailable);
            }
        }

        _batchHangs = false;
        // A late failure is expected here and already reported: observe it.
        _ = evaluation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

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
