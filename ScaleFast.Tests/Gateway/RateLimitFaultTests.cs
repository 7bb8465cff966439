using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ScaleFast.Gateway.RateLimiting;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// Redis hung (<c>SIGSTOP</c>), gone (killed) or behind: no decision waits longer than the
/// timeout, nothing queues without bound, and the gateway applies its failure mode.
/// </summary>
public sealed class RateLimitFaultTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    // What a loaded 2-core machine may add to a timeout before the waiting request runs again.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(750);

    // A decision left waiting fails the test here instead of hanging it.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_Redis_hung_decisions_fail_within_the_timeout_then_at_once_until_it_answers()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        var limiter = await DecidingLimiterAsync(redis, "test:hung", Timeout);
        await redis.PauseAsync();

        var waited = await Completion.TimeAsync(
            () => Task.WhenAll(Enumerable.Range(0, 50).Select(_ => limiter.DecideAsync("test:hung", 1000).AsTask())), Bound);
        var meanwhile = limiter.DecideAsync("test:hung", 1000);

        Assert.All(waited.Result, d => Assert.Equal(RateLimitOutcome.Unavailable, d.Outcome));
        Completion.AssertWithin(waited, Timeout - TimeSpan.FromMilliseconds(50), Timeout + Slack);
        Assert.True(meanwhile.IsCompleted, "a decision queued behind a hung batch");
        Assert.Equal(RateLimitOutcome.Unavailable, (await meanwhile).Outcome);

        await redis.ResumeAsync();
        await DecidedAsync(limiter, "test:hung");
    }

    [Fact]
    public async Task With_Redis_gone_decisions_fail_within_the_timeout()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        var limiter = await DecidingLimiterAsync(redis, "test:gone", Timeout);
        await redis.KillAsync();

        for (var round = 0; round < 3; round++)
        {
            var decisions = await Completion.TimeAsync(
                () => Task.WhenAll(Enumerable.Range(0, 50).Select(_ => limiter.DecideAsync("test:gone", 1000).AsTask())), Bound);

            Assert.All(decisions.Result, d => Assert.Equal(RateLimitOutcome.Unavailable, d.Outcome));
            Completion.AssertWithin(decisions, TimeSpan.Zero, Timeout + Slack);
        }
    }

    [Fact]
    public async Task With_the_queue_full_a_decision_fails_at_once_and_the_queued_ones_are_decided_later()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        var limiter = await DecidingLimiterAsync(redis, "test:full", TimeSpan.FromSeconds(10), maxPending: 4);
        await redis.PauseAsync();

        // Each goes out in a batch of its own and waits on Redis; with every batch out, what comes next queues.
        var inFlight = new List<Task<RateLimitDecision>>();
        for (var i = 0; i < RedisDecisionBatcher.MaxBatchesInFlight; i++)
        {
            inFlight.Add(limiter.DecideAsync("test:full", 1000).AsTask());
            var taken = await Eventually.ReadAsync(() => Task.FromResult(limiter.Queued), n => n == 0, TimeSpan.FromSeconds(10));
            Assert.Equal(0, taken);
        }

        var queued = Enumerable.Range(0, 4).Select(_ => limiter.DecideAsync("test:full", 1000).AsTask()).ToList();
        var overflow = limiter.DecideAsync("test:full", 1000);

        Assert.True(overflow.IsCompleted, "a decision waited beyond the queue's bound");
        Assert.Equal(RateLimitOutcome.Unavailable, (await overflow).Outcome);
        Assert.DoesNotContain(queued, q => q.IsCompleted);

        await redis.ResumeAsync();
        foreach (var decision in inFlight.Concat(queued))
        {
            Assert.Equal(RateLimitOutcome.Allowed, (await decision).Outcome);
        }
    }

    [Fact]
    public async Task With_Redis_hung_a_held_lease_still_decides_at_once_and_a_new_client_fails_within_the_timeout()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        // A clock that stands still: the lease's bucket does not end during the test.
        var gateway = await redis.CreateLeasesAsync(Window, clock: () => 2_000_000_000_000_000L, timeout: Timeout);
        var first = await Eventually.ReadAsync(async () => (await gateway.DecideAsync("test:held", 1000)).Outcome, o => o == RateLimitOutcome.Allowed, TimeSpan.FromSeconds(10));
        Assert.Equal(RateLimitOutcome.Allowed, first);
        await redis.PauseAsync();

        var held = gateway.DecideAsync("test:held", 1000);
        var fresh = await Completion.TimeAsync(() => gateway.DecideAsync("test:fresh", 1000).AsTask(), Bound);

        Assert.True(held.IsCompleted, "a request with a lease waited for Redis");
        Assert.Equal(RateLimitOutcome.Allowed, (await held).Outcome);
        Assert.Equal(RateLimitOutcome.Unavailable, fresh.Result.Outcome);
        Completion.AssertWithin(fresh, Timeout - TimeSpan.FromMilliseconds(50), Timeout + Slack);

        await redis.ResumeAsync();
        var after = await Eventually.ReadAsync(async () => (await gateway.DecideAsync("test:fresh", 1000)).Outcome, o => o == RateLimitOutcome.Allowed, TimeSpan.FromSeconds(10));
        Assert.Equal(RateLimitOutcome.Allowed, after);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_Redis_the_gateway_lets_through_or_refuses_as_configured_and_counts_it(bool failClosed)
    {
        var results = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "scalefast.rate_limit.decisions")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    results.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();
        await using var gateway = await RefusingGateway.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false",
            ["Gateway:RateLimiting:FailClosed"] = failClosed.ToString(),
        });

        var clock = Stopwatch.StartNew();
        var response = await gateway.Client.GetAsync("/api/products/1");

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        if (failClosed)
        {
            await Catalog.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            Assert.Equal(["redis_failed_rejected"], results);
        }
        else
        {
            // Let through to the proxy: the replica refuses (502), or is already known down (503).
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable });
            Assert.Equal(["redis_failed_allowed"], results);
        }
    }

    /// <summary>A limiter on <paramref name="redis"/>, once it decides (the first decisions may meet a cold start).</summary>
    private static async Task<RedisDecisionBatcher> DecidingLimiterAsync(
        LocalRedisServer redis, string key, TimeSpan timeout, int maxPending = RedisDecisionBatcher.MaxPendingDecisions)
    {
        var limiter = await redis.CreateLimiterAsync(Window, timeout, maxPending: maxPending);
        await DecidedAsync(limiter, key);
        return limiter;
    }

    private static async Task DecidedAsync(RedisDecisionBatcher limiter, string key)
    {
        var outcome = await Eventually.ReadAsync(async () => (await limiter.DecideAsync(key, 1000)).Outcome, o => o == RateLimitOutcome.Allowed, TimeSpan.FromSeconds(10));
        Assert.Equal(RateLimitOutcome.Allowed, outcome);
    }
}
