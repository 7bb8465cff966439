using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using ScaleFast.Settings;

namespace ScaleFast.Api.Catalog;

/// <summary>
/// HybridCache's L2 (Redis) with a time limit and a circuit breaker: an operation that Redis does
/// not finish within <see cref="CatalogOptions.RedisTimeout"/> counts as a miss (a read then goes to
/// Postgres), and after repeated failures Redis is skipped for <see cref="CatalogOptions.RedisBreakDuration"/>,
/// so that a hung Redis costs no request more than the timeout and most requests nothing at all.
/// A removal that fails is remembered in <see cref="PendingInvalidations"/> and done again once
/// Redis answers.
/// </summary>
/// <remarks>
/// Redis commands take no cancellation token: an abandoned one still completes (or times out in
/// the client) later. Reads return a new array each, and values to write are copied first, so
/// nothing is read from or written into a buffer HybridCache has meanwhile reused.
/// </remarks>
internal sealed partial class ResilientDistributedCache : IDistributedCache
{
    /// <summary>How long a patient read (<see cref="Patiently"/>) waits for Redis.</summary>
    public static readonly TimeSpan PatientTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long the start waits for the warm-up's round trips (<see cref="WarmUpAsync"/>): a hung Redis delays a start by this much at most.</summary>
    public static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(2);

    private const string WarmUpKey = "warm-up";

    // Keys being read patiently, and by how many reads. By key, not by async flow: HybridCache
    // reads Redis on a work item of its own, which an AsyncLocal would not reach.
    private static readonly ConcurrentDictionary<string, int> PatientKeys = new(StringComparer.Ordinal);

    private readonly IDistributedCache _redis;
    private readonly PendingInvalidations _pending;
    private readonly CacheMetrics _metrics;
    private readonly ILogger<ResilientDistributedCache> _logger;
    private readonly ResiliencePipeline _pipeline;

    public ResilientDistributedCache(
        IDistributedCache redis, PendingInvalidations pending, CacheMetrics metrics, IOptions<CatalogOptions> options, ILogger<ResilientDistributedCache> logger)
    {
        _redis = redis;
        _pending = pending;
        _metrics = metrics;
        _logger = logger;
        var breakDuration = options.Value.RedisBreakDuration;
        _pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(2),
                BreakDuration = breakDuration,
                // A request the client gave up on is not Redis' failure.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                OnOpened = _ =>
                {
                    metrics.SetRedisAvailable(false);
                    LogUnavailable(breakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    metrics.SetRedisAvailable(true);
                    LogAvailable();
                    return ValueTask.CompletedTask;
                },
            })
            // Redis does not cancel: the time limit stops the wait, and fails it as a timeout.
            .AddTimeout(options.Value.RedisTimeout)
            .Build();
    }

    public byte[]? Get(string key) => throw Synchronous();

    /// <summary>
    /// One write and one read of a throw-away key, outside the time limit and the breaker, before the
    /// instance serves. A process's first Redis commands pay for compiling the cache's code paths
    /// and for the cache's connection set-up: hundreds of milliseconds on a busy machine, which
    /// would fail a new instance's first requests as timeouts against <see cref="CatalogOptions.RedisTimeout"/>
    /// (their values then not cached, and two such failures opening the breaker). Redis down or
    /// hung costs the start <see cref="WarmUpLimit"/> at most; the instance starts without it.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var expiry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) };
            var started = Stopwatch.GetTimestamp();
            await Task.Run(async () =>
            {
                await _redis.SetAsync(WarmUpKey, [1], expiry, CancellationToken.None);
                await _redis.GetAsync(WarmUpKey, CancellationToken.None);
            }, CancellationToken.None).WaitAsync(WarmUpLimit, cancellationToken);
            var took = Stopwatch.GetElapsedTime(started);
            LogWarmedUp(took.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWarmUpFailed(WarmUpLimit.TotalSeconds, e.Message);
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (PatientKeys.ContainsKey(key))
        {
            return await GetPatientlyAsync(key, token);
        }

        return (await TryAsync("get", ct => _redis.GetAsync(key, CancellationToken.None).WaitAsync(ct), token)).Value;
    }

    /// <summary>
    /// Until disposed, reads of <paramref name="key"/> skip the breaker and wait up to
    /// <see cref="PatientTimeout"/>: for when Redis is the only source left (the database failed),
    /// where a slow answer beats none.
    /// </summary>
    public static IDisposable Patiently(string key)
    {
        PatientKeys.AddOrUpdate(key, 1, static (_, readers) => readers + 1);
        return new PatienceScope(key);
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw Synchronous();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var copy = value.ToArray();
        await TryAsync("set", async ct =>
        {
            await _redis.SetAsync(key, copy, options, CancellationToken.None).WaitAsync(ct);
            return true;
        }, token);
    }

    public void Refresh(string key) => throw Synchronous();

    /// <summary>Entries have an absolute expiration only: nothing to refresh.</summary>
    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => throw Synchronous();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        if (!await TryRemoveAsync(key, token))
        {
            _pending.Add(key);
        }
    }

    /// <summary>Removes <paramref name="key"/> from Redis; false when Redis did not do it in time.</summary>
    public async Task<bool> TryRemoveAsync(string key, CancellationToken token) =>
        (await TryAsync("remove", async ct =>
        {
            await _redis.RemoveAsync(key, CancellationToken.None).WaitAsync(ct);
            return true;
        }, token)).Done;

    /// <summary>Runs one Redis operation through the breaker and the time limit; a failure is counted and reported as not done.</summary>
    private async Task<(bool Done, T? Value)> TryAsync<T>(string operation, Func<CancellationToken, Task<T?>> run, CancellationToken token)
    {
        try
        {
            return (true, await _pipeline.ExecuteAsync(async ct => await run(ct), token));
        }
        catch (Exception e) when (!token.IsCancellationRequested)
        {
            _metrics.RecordRedisFailure(operation, e switch
            {
                BrokenCircuitException => "skipped",
                TimeoutRejectedException => "timeout",
                _ => "error",
            });
            return (false, default);
        }
    }

    private async Task<byte[]?> GetPatientlyAsync(string key, CancellationToken token)
    {
        try
        {
            return await _redis.GetAsync(key, CancellationToken.None).WaitAsync(PatientTimeout, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            _metrics.RecordRedisFailure("patient_get", e is TimeoutException ? "timeout" : "error");
            return null;
        }
    }

    private static NotSupportedException Synchronous() => new("The product cache uses Redis asynchronously only.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis does not answer the product cache: reads go to Postgres, and Redis is tried again in {Seconds} s.")]
    private partial void LogUnavailable(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The product cache's path to Redis is warm: its first write and read took {Milliseconds:0} ms, before the instance serves.")]
    private partial void LogWarmedUp(double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The product cache could not reach Redis within {Seconds} s at start ({Reason}): the instance starts without it, reads go to Postgres until it answers.")]
    private partial void LogWarmUpFailed(double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers the product cache again.")]
    private partial void LogAvailable();

    private sealed class PatienceScope(string key) : IDisposable
    {
        public void Dispose()
        {
            // The last patient reader of a key removes it; a later one adds it again.
            if (PatientKeys.AddOrUpdate(key, 0, static (_, readers) => readers - 1) <= 0)
            {
                PatientKeys.TryRemove(new KeyValuePair<string, int>(key, 0));
            }
        }
    }
}
