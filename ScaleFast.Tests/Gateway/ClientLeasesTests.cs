using ScaleFast.Gateway.RateLimiting;
using ScaleFast.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// Gateways deciding from leases of their clients' budgets, on one real Redis: the stated bounds
/// (never more than the limit in any window; never refused before the limit less the other
/// gateways' unused leases), the unused slots given back when their bucket ends, and the Redis
/// calls saved.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class ClientLeasesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Seeded random arrivals (bursts, pauses, clients with their own limits and lease sizes)
    /// through three gateways at once, on a clock the test moves. Between steps the gateways have
    /// heard from Redis and, mostly, given back what expired, as they do within the sweep period;
    /// a third of the steps come before that (a bucket just ended), where only the upper bound
    /// is promised.
    /// </summary>
    [Fact]
    public async Task Gateways_with_leases_admit_at_most_the_limit_in_any_window_and_refuse_only_near_it()
    {
        var random = Arrivals.Seeded(output, out var seed);
        var now = 1_700_000_000_000_000L + random.NextInt64(1_000_000_000_000);
        await using var redis = await LocalRedisServer.StartAsync();
        var gateways = new List<ClientLeases>();
        for (var i = 0; i < 3; i++)
        {
            gateways.Add(await redis.CreateLeasesAsync(Window, clock: () => Volatile.Read(ref now)));
        }

        var bucket = SlidingWindowBuckets.BucketMicroseconds(Window);
        var clients = Enumerable.Range(0, 8).Select(i => new Client($"test:{seed}:{i}", random.Next(1, 120))).ToArray();
        for (var step = 0; step < 400; step++)
        {
            // What the last step set off (leases asked for in the background) lands before time moves.
            await QuietAsync(gateways);
            Volatile.Write(ref now, now + Arrivals.Gap(random));
            var swept = random.Next(3) > 0;
            await SettleAsync(gateways, giveBack: swept);
            var arrivals = random.Next(10) == 0
                ? Enumerable.Repeat(random.Next(clients.Length), random.Next(20, 150)).ToArray()
                : Enumerable.Range(0, random.Next(30)).Select(_ => random.Next(clients.Length)).ToArray();
            var decisions = await Task.WhenAll(arrivals.Select(c =>
                gateways[random.Next(gateways.Count)].DecideAsync(clients[c].Key, clients[c].Limit).AsTask()));

            foreach (var (c, decision) in arrivals.Zip(decisions))
            {
                var client = clients[c];
                Assert.True(decision.Outcome != RateLimitOutcome.Unavailable, $"seed {seed}: undecided");
                Assert.InRange(decision.Remaining, 0, client.Limit);
                (decision.Outcome == RateLimitOutcome.Allowed ? client.Admitted : swept ? client.Refused : client.RefusedBeforeSweep).Add(now);
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

            // The other two gateways may each hold one unused lease.
            var least = client.Limit - (gateways.Count - 1) * ClientLeases.LeaseSize(client.Limit);
            foreach (var refused in client.Refused)
            {
                var before = client.Admitted.Count(t => t > refused - window - bucket && t <= refused);
                Assert.True(before >= least, $"seed {seed}, {client.Key}: refused at {refused} with {before} admitted in the window and one bucket before, limit {client.Limit}, bound {least}");
            }
        }

        Assert.True(clients.Sum(c => c.Refused.Count) > 100 && clients.Sum(c => c.Admitted.Count) > 100, $"seed {seed}: the pattern tested too little");
    }

    /// <summary>
    /// The bound is reached, not only respected: one gateway's unused lease is all another
    /// loses. A lease used in its bucket is renewed for the next (the client may come back to
    /// the same gateway); one left unused is given back after its bucket and retired. Meanwhile
    /// Redis ran a fraction of the calls one decision per request would take.
    /// </summary>
    [Fact]
    public async Task Another_gateways_unused_lease_is_all_a_client_loses_and_it_comes_back_once_unused_for_a_bucket()
    {
        var now = 1_800_000_000_000_000L;
        await using var redis = await LocalRedisServer.StartAsync();
        var first = await redis.CreateLeasesAsync(Window, clock: () => Volatile.Read(ref now));
        var second = await redis.CreateLeasesAsync(Window, clock: () => Volatile.Read(ref now));
        const int Limit = 100;
        var lease = ClientLeases.LeaseSize(Limit);

        var one = await first.DecideAsync("test:shared", Limit);
        var callsBefore = await redis.ScriptCallsAsync();
        var fromSecond = await TakeAllAsync(second, "test:shared", Limit);
        var calls = await redis.ScriptCallsAsync() - callsBefore;

        Assert.Equal(RateLimitOutcome.Allowed, one.Outcome);
        Assert.Equal(Limit - 1, one.Remaining);
        Assert.Equal(Limit - 1 - lease, fromSecond);
        Assert.InRange(calls, 1, fromSecond / 2);

        // Still the same bucket: nothing has expired, nothing comes back.
        await SettleAsync([first, second]);
        Assert.Equal(0, await TakeAllAsync(second, "test:shared", Limit));

        // The next bucket: the first gateway's lease was used, so it is renewed (its unused slots
        // of the last bucket go back, a new lease is taken): the client still may not pass.
        Volatile.Write(ref now, NextTurn("test:shared", now));
        await SettleAsync([first, second]);
        Assert.Equal(1, first.Count);
        Assert.Equal(0, await TakeAllAsync(second, "test:shared", Limit));

        // A bucket later the renewed lease was not used: it is given back and retired.
        Volatile.Write(ref now, now + Bucket);
        await SettleAsync([first, second]);
        Assert.Equal(0, first.Count);
        Assert.Equal(lease, await TakeAllAsync(second, "test:shared", Limit));
    }

    [Fact]
    public async Task A_clients_first_request_in_a_new_bucket_gives_back_the_old_leases_slots_before_it_takes()
    {
        var now = 1_825_000_000_000_000L;
        await using var redis = await LocalRedisServer.StartAsync();
        var gateway = await redis.CreateLeasesAsync(Window, clock: () => Volatile.Read(ref now));
        const int Limit = 5;

        // One slot used, the lease's other slot left unused when the bucket ends; no sweep yet.
        Assert.Equal(Limit - 1, (await gateway.DecideAsync("test:turn", Limit)).Remaining);
        Volatile.Write(ref now, NextTurn("test:turn", now) + 1);
        await SettleAsync([gateway], giveBack: false);

        // Exact with one gateway: the unused slot counts no more, in the answer as in the limit.
        var first = await gateway.DecideAsync("test:turn", Limit);
        Assert.Equal(RateLimitOutcome.Allowed, first.Outcome);
        Assert.Equal(Limit - 2, first.Remaining);
        Assert.Equal(Limit - 2, await TakeAllAsync(gateway, "test:turn", Limit));
    }

    [Fact]
    public async Task A_steady_client_does_not_wait_for_Redis_at_the_turn_of_a_bucket()
    {
        var now = 1_850_000_000_000_000L;
        await using var redis = await LocalRedisServer.StartAsync();
        var gateway = await redis.CreateLeasesAsync(Window, clock: () => Volatile.Read(ref now));

        Assert.Equal(RateLimitOutcome.Allowed, (await gateway.DecideAsync("test:steady", 600)).Outcome);
        var waited = new List<int>();
        for (var turn = 0; turn < 3; turn++)
        {
            Volatile.Write(ref now, NextTurn("test:steady", now) + 1);
            await SettleAsync([gateway]);
            var decision = gateway.DecideAsync("test:steady", 600);
            waited.Add(decision.IsCompleted ? 0 : 1);
            Assert.Equal(RateLimitOutcome.Allowed, (await decision).Outcome);
        }

        Assert.Equal([0, 0, 0], waited);
    }

    [Fact]
    public async Task On_Redis_clock_unused_slots_go_back_within_the_sweep_after_a_bucket_unused()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        // Six buckets of one second.
        var window = TimeSpan.FromSeconds(6);
        var first = await redis.CreateLeasesAsync(window);
        var second = await redis.CreateLeasesAsync(window);
        const int Limit = 100;
        var lease = ClientLeases.LeaseSize(Limit);

        Assert.Equal(RateLimitOutcome.Allowed, (await first.DecideAsync("test:sweep", Limit)).Outcome);
        var taken = await TakeAllAsync(second, "test:sweep", Limit);
        // Asked every 50 ms (a refusal costs one call to Redis): the time it came back is read to
        // within that, well inside the bound's slack.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var later = await Eventually.ReadAsync(() => TakeAllAsync(second, "test:sweep", Limit), n => n > 0, TimeSpan.FromSeconds(5), every: TimeSpan.FromMilliseconds(50));
        var elapsed = clock.Elapsed;

        // The first gateway's lease counts for the rest of its bucket, and for the next one it
        // is renewed into (it was used); then it goes back.
        Assert.InRange(taken, Limit - 1 - lease, Limit - 1);
        Assert.Equal(Limit - 1 - taken, later);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2) + RateLimitingExtensions.SweepPeriod + TimeSpan.FromMilliseconds(900));
        Assert.Equal(0, await Eventually.ReadAsync(() => Task.FromResult(first.Count), n => n == 0, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task A_flood_of_clients_leaves_no_lease_behind_a_bucket_unused()
    {
        var now = 1_900_000_000_000_000L;
        await using var redis = await LocalRedisServer.StartAsync();
        var gateway = await redis.CreateLeasesAsync(Window, clock: () => Volatile.Read(ref now));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => gateway.DecideAsync($"test:flood:{i}", 600).AsTask()));
        var held = gateway.Count;
        Volatile.Write(ref now, now + Bucket);
        await SettleAsync([gateway]);
        var renewed = gateway.Count;
        Volatile.Write(ref now, now + Bucket);
        await SettleAsync([gateway]);

        Assert.All(decisions, d => Assert.Equal(RateLimitOutcome.Allowed, d.Outcome));
        Assert.Equal(2000, held);
        Assert.Equal(2000, renewed);
        Assert.Equal(0, gateway.Count);
        // What the leases held went back: a client's next request finds only its first one counted.
        var again = await gateway.DecideAsync("test:flood:7", 600);
        Assert.Equal(RateLimitOutcome.Allowed, again.Outcome);
        Assert.Equal(600 - 2, again.Remaining);
    }

    /// <summary>
    /// Clients' buckets end at their own phases, spread over a bucket's width: the leases of many
    /// clients that came at one moment end a few at a time, not all at one instant (when every
    /// one of them would wait for Redis, and Redis would take every renewal at once).
    /// </summary>
    [Fact]
    public async Task Clients_leases_end_spread_over_a_bucket_not_all_at_once()
    {
        var now = 1_950_000_000_000_000L;
        await using var redis = await LocalRedisServer.StartAsync();
        var gateway = await redis.CreateLeasesAsync(Window, clock: () => Volatile.Read(ref now));
        const int Clients = 1000, Steps = 10;

        var decisions = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => gateway.DecideAsync($"test:spread:10.0.{i / 256}.{i % 256}", 600).AsTask()));
        // A bucket on, every lease has turned once and was renewed (it was used); from then on
        // each ends at its own phase, unused, and is given back and retired.
        Volatile.Write(ref now, now + Bucket);
        await SettleAsync([gateway]);
        var ended = new List<int>();
        for (var step = 0; step < Steps; step++)
        {
            var before = gateway.Count;
            Volatile.Write(ref now, now + Bucket / Steps);
            await SettleAsync([gateway]);
            ended.Add(before - gateway.Count);
        }

        Assert.All(decisions, d => Assert.Equal(RateLimitOutcome.Allowed, d.Outcome));
        Assert.Equal(Clients, ended.Sum());
        // About a tenth in each tenth of the bucket (the phases are a hash: ±5 standard deviations).
        Assert.All(ended, n => Assert.InRange(n, 50, 150));
    }

    private static long Bucket => SlidingWindowBuckets.BucketMicroseconds(Window);

    /// <summary>When the bucket of <paramref name="key"/> that holds <paramref name="now"/> ends: its buckets begin at its own phase.</summary>
    private static long NextTurn(string key, long now)
    {
        var phase = SlidingWindowBuckets.Phase(key, Bucket);
        return ((now - phase) / Bucket + 1) * Bucket + phase;
    }

    /// <summary>Requests one after another until the first refusal: how many were admitted.</summary>
    private static async Task<int> TakeAllAsync(ClientLeases gateway, string key, int limit)
    {
        for (var admitted = 0; ; admitted++)
        {
            var decision = await gateway.DecideAsync(key, limit);
            Assert.NotEqual(RateLimitOutcome.Unavailable, decision.Outcome);
            if (decision.Outcome == RateLimitOutcome.Rejected)
            {
                return admitted;
            }
        }
    }

    /// <summary>Every gateway has heard back from Redis and (unless not to) given back what expired, and heard back again.</summary>
    private static async Task SettleAsync(IReadOnlyList<ClientLeases> gateways, bool giveBack = true)
    {
        await QuietAsync(gateways);
        if (giveBack)
        {
            foreach (var gateway in gateways)
            {
                // A sweep's worth at a time, as the gateway's timer does.
                while (gateway.GiveBackExpired() == ClientLeases.MaxPerSweep)
                {
                    await QuietAsync(gateways);
                }
            }

            await QuietAsync(gateways);
        }
    }

    private static async Task QuietAsync(IReadOnlyList<ClientLeases> gateways)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (gateways.Any(g => g.Batcher.Outstanding > 0))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "Redis did not answer the gateways");
            await Task.Delay(1);
        }
    }

    private sealed record Client(string Key, int Limit)
    {
        public List<long> Admitted { get; } = [];

        public List<long> Refused { get; } = [];

        public List<long> RefusedBeforeSweep { get; } = [];
    }
}
