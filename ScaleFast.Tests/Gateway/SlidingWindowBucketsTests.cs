using ScaleFast.Contracts;
using ScaleFast.Gateway.RateLimiting;
using ScaleFast.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// The limiter's decisions on a real Redis shared by several limiters (each with its own
/// connection and batch loop, as gateways have): the stated bounds, the headers' figures, expiry.
/// </summary>
public sealed class SlidingWindowBucketsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private static readonly long Started = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>
    /// Seeded random arrivals (bursts, pauses, many clients with their own limits) replayed on a
    /// clock the test moves, through three limiters. Checked: the stated bounds (never more than
    /// the limit in any window; refused only when the limit was reached within the window plus
    /// one bucket), and per step exactly as many admitted as the buckets leave room for.
    /// </summary>
    [Fact]
    public async Task Limiters_sharing_Redis_admit_at_most_the_limit_in_any_window_and_refuse_only_at_it()
    {
        var random = Arrivals.Seeded(output, out var seed);
        var now = 1_700_000_000_000_000L + random.NextInt64(1_000_000_000_000);
        await using var redis = await LocalRedisServer.StartAsync();
        var limiters = new List<RedisDecisionBatcher>();
        for (var i = 0; i < 3; i++)
        {
            limiters.Add(await redis.CreateLimiterAsync(Window, clock: () => Volatile.Read(ref now)));
        }

        var bucket = SlidingWindowBuckets.BucketMicroseconds(Window);
        // A slot frees within the window and one bucket; the reply carries it in whole
        // milliseconds, rounded up (SlidingWindowBuckets.lua).
        var latestReset = TimeSpan.FromMilliseconds(Math.Ceiling((Window + TimeSpan.FromMicroseconds(bucket)).TotalMilliseconds));
        var clients = Enumerable.Range(0, 8).Select(i => new Client($"test:{seed}:{i}", random.Next(1, 25))).ToArray();

        for (var step = 0; step < 400; step++)
        {
            Volatile.Write(ref now, now + Arrivals.Gap(random));
            var arrivals = random.Next(10) == 0
                ? Enumerable.Repeat(random.Next(clients.Length), random.Next(20, 60)).ToArray()
                : Enumerable.Range(0, random.Next(12)).Select(_ => random.Next(clients.Length)).ToArray();
            var decisions = await Task.WhenAll(arrivals.Select(c =>
                limiters[random.Next(limiters.Count)].DecideAsync(clients[c].Key, clients[c].Limit).AsTask()));

            foreach (var group in arrivals.Zip(decisions).GroupBy(a => a.First, a => a.Second))
            {
                var client = clients[group.Key];
                var room = Math.Max(0, client.Limit - client.CountedAt(now, bucket));
                var admitted = group.Count(d => d.Outcome == RateLimitOutcome.Allowed);
                Assert.True(group.All(d => d.Outcome != RateLimitOutcome.Unavailable), $"seed {seed}: undecided");
                Assert.True(admitted == Math.Min(group.Count(), room), $"seed {seed}, step {step}, {client.Key}: admitted {admitted} of {group.Count()}, room for {room}");
                Assert.All(group, d => Assert.InRange(d.Reset, TimeSpan.FromTicks(1), latestReset));
                if (admitted > 0)
                {
                    Assert.Equal(room - admitted, group.Where(d => d.Outcome == RateLimitOutcome.Allowed).Min(d => d.Remaining));
                }

                client.Admitted.AddRange(Enumerable.Repeat(now, admitted));
                client.Refused.AddRange(Enumerable.Repeat(now, group.Count() - admitted));
            }
        }

        var window = (long)Window.TotalMicroseconds;
        foreach (var client in clients)
        {
            foreach (var start in client.Admitted)
            {
                var inWindow = client.Admitted.Count(t => t >= start && t <= start + window);
                Assert.True(inWindow <= client.Limit, $"seed {seed}, {client.Key}: {inWindow} admitted in the window from {start}, limit {client.Limit}");
            }

            foreach (var refused in client.Refused)
            {
                var before = client.Admitted.Count(t => t > refused - window - bucket && t <= refused);
                Assert.True(before >= client.Limit, $"seed {seed}, {client.Key}: refused at {refused} with {before} admitted in the window and one bucket before, limit {client.Limit}");
            }
        }

        Assert.True(clients.Sum(c => c.Refused.Count) > 100 && clients.Sum(c => c.Admitted.Count) > 100, $"seed {seed}: the pattern tested too little");
    }

    [Fact]
    public async Task Two_limiters_sharing_Redis_admit_exactly_the_limit_together_on_Redis_clock()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        RedisDecisionBatcher[] limiters = [await redis.CreateLimiterAsync(Window), await redis.CreateLimiterAsync(Window)];

        var decisions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            limiters[i % 2].DecideAsync("test:together", limit: 10).AsTask()));

        Assert.Equal(10, decisions.Count(d => d.Outcome == RateLimitOutcome.Allowed));
        Assert.Equal(30, decisions.Count(d => d.Outcome == RateLimitOutcome.Rejected));
        var bucket = TimeSpan.FromMicroseconds(SlidingWindowBuckets.BucketMicroseconds(Window));
        Assert.All(decisions.Where(d => d.Outcome == RateLimitOutcome.Rejected), d => Assert.InRange(d.Reset, Window - bucket, Window + bucket));
    }

    /// <summary>
    /// Gateways with different windows on one Redis (a rolling change of the window) number a
    /// key's buckets on different widths: each reads the other's count as from a bucket long past
    /// or far ahead. Either way it starts the client afresh, as after a restart of Redis (erring on
    /// the side of admitting), instead of counting into a bucket far in the future.
    /// </summary>
    [Fact]
    public async Task A_key_counted_on_another_window_is_started_afresh()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        var minute = await redis.CreateLimiterAsync(TimeSpan.FromMinutes(1));
        var day = await redis.CreateLimiterAsync(TimeSpan.FromDays(1));

        for (var i = 0; i < 3; i++)
        {
            AssertFresh(await minute.DecideAsync("test:mixed", 10), 10 - i - 1, TimeSpan.FromMinutes(1));
        }

        AssertFresh(await day.DecideAsync("test:mixed", 10), 9, TimeSpan.FromDays(1));
        AssertFresh(await day.DecideAsync("test:mixed", 10), 8, TimeSpan.FromDays(1));
        AssertFresh(await minute.DecideAsync("test:mixed", 10), 9, TimeSpan.FromMinutes(1));

        static void AssertFresh(RateLimitDecision decision, int remaining, TimeSpan window)
        {
            Assert.Equal(RateLimitOutcome.Allowed, decision.Outcome);
            Assert.Equal(remaining, decision.Remaining);
            Assert.InRange(decision.Reset, TimeSpan.Zero, window + window / SlidingWindowBuckets.BucketsPerWindow);
        }
    }

    [Fact]
    public async Task A_refused_client_stays_refused_until_its_reset_and_is_admitted_after()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        // Six buckets of one second: the key must outlive its newest bucket by the whole window.
        var window = TimeSpan.FromSeconds(6);
        var limiter = await redis.CreateLimiterAsync(window);

        Assert.Equal(RateLimitOutcome.Allowed, (await limiter.DecideAsync("test:slot", 2)).Outcome);
        Assert.Equal(RateLimitOutcome.Allowed, (await limiter.DecideAsync("test:slot", 2)).Outcome);
        var refused = await TimedDecisionAsync(limiter, "test:slot", 2);
        Assert.Equal(RateLimitOutcome.Rejected, refused.Decision.Outcome);
        Assert.Equal(0, refused.Decision.Remaining);
        Assert.InRange(refused.Decision.Reset, window - TimeSpan.FromSeconds(1), window + TimeSpan.FromSeconds(1));

        // Redis decided somewhere between sending and hearing back (on its own clock): the slot
        // frees between these two moments of this machine's (Reset is rounded up to the millisecond).
        var freesFrom = refused.Sent + refused.Decision.Reset - TimeSpan.FromMilliseconds(1);
        var freesBy = refused.Received + refused.Decision.Reset;
        // Asked every 50 ms until admitted, each decision timed alike, so that no pause of this
        // loaded machine can make a decision look earlier or later than it was.
        var asked = new List<TimedDecision>();
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            asked.Add(await TimedDecisionAsync(limiter, "test:slot", 2));
        }
        while (asked[^1].Decision.Outcome != RateLimitOutcome.Allowed && Elapsed() < freesBy + TimeSpan.FromSeconds(2));

        var answered = asked.Where(a => a.Decision.Outcome != RateLimitOutcome.Unavailable).ToList();
        Assert.All(answered.Where(a => a.Received < freesFrom), a => Assert.Equal(RateLimitOutcome.Rejected, a.Decision.Outcome));
        Assert.Contains(answered, a => a.Received < freesFrom && a.Received >= freesFrom - TimeSpan.FromSeconds(1));
        Assert.Equal(RateLimitOutcome.Allowed, asked[^1].Decision.Outcome);
    }

    [Fact]
    public async Task A_flood_of_addresses_leaves_small_keys_that_expire_with_the_window()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        var window = TimeSpan.FromSeconds(1);
        var limiter = await redis.CreateLimiterAsync(window);
        var policy = new RateLimitPolicy("reads", 600, []);

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            limiter.DecideAsync(policy.KeyOf(new IPAddress([10, 9, (byte)(i / 256), (byte)i])), 600).AsTask()));

        var sizes = await redis.RunAsync(async db => (
            Keys: (long)await db.ExecuteAsync("DBSIZE"),
            Value: await db.StringLengthAsync(policy.KeyOf(IPAddress.Parse("10.9.0.1"))),
            TimeToLive: await db.KeyTimeToLiveAsync(policy.KeyOf(IPAddress.Parse("10.9.0.1")))));
        Assert.Equal(1000, sizes.Keys);
        Assert.InRange(sizes.Value, 1, 28);
        Assert.InRange(sizes.TimeToLive!.Value, TimeSpan.FromMilliseconds(1), window + TimeSpan.FromMicroseconds(SlidingWindowBuckets.BucketMicroseconds(window)));
        var left = await Eventually.ReadAsync(() => redis.RunAsync(async db => (long)await db.ExecuteAsync("DBSIZE")), keys => keys == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task The_counts_stay_out_of_the_append_only_file()
    {
        await using var redis = await LocalRedisServer.StartAsync(appendOnly: true);
        var limiter = await redis.CreateLimiterAsync(Window);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => limiter.DecideAsync($"scalefast:rl:r:10.8.0.{i % 2}", 600).AsTask()));
        await redis.RunAsync(db => db.StringSetAsync("scalefast:test:written", "after the decisions"));

        var appended = await Eventually.ReadAsync(
            async () => string.Concat(await Task.WhenAll(System.IO.Directory.EnumerateFiles(redis.Directory, "*.aof", SearchOption.AllDirectories).Select(f => File.ReadAllTextAsync(f)))),
            text => text.Contains("scalefast:test:written", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.Contains("scalefast:test:written", appended, StringComparison.Ordinal);
        Assert.DoesNotContain("scalefast:rl:", appended, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_keys_are_short_whatever_the_address_and_hold_no_api_key()
    {
        var policy = new RateLimitPolicy("writes", 60, ["the-admin-key"]);
        var longest = IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%4294967295");
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Headers[ApiHeaders.ApiKey] = "the-admin-key";
        var unknown = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        unknown.Request.Headers[ApiHeaders.ApiKey] = "invented";
        unknown.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");

        Assert.InRange(((string)policy.KeyOf(longest)!).Length, 20, 100);
        Assert.StartsWith("scalefast:rl:w:key:", (string?)policy.KeyOf(context));
        Assert.DoesNotContain("the-admin-key", (string)policy.KeyOf(context)!, StringComparison.Ordinal);
        Assert.Equal("scalefast:rl:w:10.1.2.3", (string?)policy.KeyOf(unknown));
    }

    /// <summary>A client of the arrival pattern and what it was answered.</summary>
    private sealed record Client(string Key, int Limit)
    {
        public List<long> Admitted { get; } = [];

        public List<long> Refused { get; } = [];

        /// <summary>
        /// The reference: admitted requests in the buckets that count at <paramref name="now"/>;
        /// the client's buckets begin at its own phase.
        /// </summary>
        public int CountedAt(long now, long bucket)
        {
            var phase = SlidingWindowBuckets.Phase(Key, bucket);
            return Admitted.Count(t => (t - phase) / bucket >= (now - phase) / bucket - SlidingWindowBuckets.BucketsPerWindow);
        }
    }

    /// <summary>This machine's monotonic time, from an arbitrary start.</summary>
    private static TimeSpan Elapsed() => System.Diagnostics.Stopwatch.GetElapsedTime(Started);

    private static async Task<TimedDecision> TimedDecisionAsync(RedisDecisionBatcher limiter, string key, int limit)
    {
        var sent = Elapsed();
        var decision = await limiter.DecideAsync(key, limit);
        return new TimedDecision(sent, Elapsed(), decision);
    }

    /// <summary>A decision Redis took between <see cref="Sent"/> and <see cref="Received"/>.</summary>
    private sealed record TimedDecision(TimeSpan Sent, TimeSpan Received, RateLimitDecision Decision);
}
