using System.Diagnostics;
using System.Net.Http.Json;
using StackExchange.Redis;
using ScaleFast.Api.Catalog;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Infrastructure;
using ScaleFast.Contracts;

namespace ScaleFast.Tests.Api;

/// <summary>
/// Redis is a cache: hung or gone, reads go to Postgres within the cache's time limit, no replica
/// leaves the gateway's pool, and invalidations that could not be sent are sent once it is back.
/// </summary>
[Collection(FaultAppCollection.Name)]
public sealed class RedisOutageTests(FaultAppFixture fixture)
{
    private static readonly string[] Apis = ["api-0", "api-1", "api-2"];

    /// <summary>Without the cache's time limit a read would wait for the Redis client's own timeout, 5 s.</summary>
    private static readonly TimeSpan SlowestRead = TimeSpan.FromSeconds(3);

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task Reads_keep_answering_from_Postgres_while_Redis_hangs_and_every_replica_stays_ready()
    {
        using var gateway = App.CreateHttpClient(ResourceNames.Gateway, "http");
        var failuresBefore = await RedisFailuresAsync();

        var hang = App.HangAsync(ResourceNames.Redis, seconds: 6);
        var reads = ReadRandomProductsAsync(gateway, TimeSpan.FromSeconds(5), readers: 8);
        var readiness = await Task.WhenAll(Apis.Select(ReadinessAsync));
        var (statuses, slowest) = await reads;
        await hang;

        Assert.All(readiness, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.NotEmpty(statuses);
        var failed = statuses.Where(s => s != HttpStatusCode.OK).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(failed.Count == 0, $"Failed reads: {string.Join(", ", failed)}\n{fixture.Local.Logs.Problems([ResourceNames.Gateway, .. Apis])}");
        Assert.True(slowest < SlowestRead, $"The slowest read took {slowest.TotalMilliseconds:0} ms.");
        // Redis really was asked and skipped meanwhile.
        Assert.True(await RedisFailuresAsync() > failuresBefore);
    }

    [Fact]
    public async Task A_write_while_Redis_is_down_reaches_every_replica_once_Redis_is_back()
    {
        using var admin = await App.CreateAdminClientAsync("api-0");
        var product = await Catalog.CreateProductAsync(admin);
        foreach (var api in Apis)
        {
            Assert.Equal(1, (await ReadAsync(api, product.Id)).Version);
        }

        // Redis persists each second: the copy it holds survives the crash, so only an invalidation
        // sent after the restart can clear it.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var crash = App.KillAsync(ResourceNames.Redis, seconds: 3);
        await Task.Delay(TimeSpan.FromSeconds(1));

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{product.Id}")
        {
            Content = JsonContent.Create(new { sku = product.Sku, name = "Renamed while Redis was down", category = product.Category, price = product.Price, stock = 100 }),
        };
        put.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(put)).StatusCode);
        await crash;

        // The other replicas' memory copies last 10 s and Redis' copy 60 s: they can only be gone
        // sooner if the invalidation was sent again.
        var versions = await Eventually.ReadAsync(
            async () => await Task.WhenAll(Apis.Select(async api => (await ReadAsync(api, product.Id)).Version)),
            seen => seen.All(version => version == 2),
            TimeSpan.FromSeconds(20));
        Assert.All(versions, version => Assert.Equal(2, version));
    }

    /// <summary>
    /// With the database down, Redis is the only source left: a read that skipped Redis (its breaker
    /// open after a hang) asks it again, patiently, instead of answering 503.
    /// </summary>
    [Fact]
    public async Task With_the_database_down_a_read_that_skipped_Redis_asks_it_again_before_giving_up()
    {
        await EveryReplicaTakesRedisAsync();
        using var admin = await App.CreateAdminClientAsync("api-0");
        // A product in Redis (and api-0's memory) that api-1 has never read. The cache drops a write
        // Redis does not take within its limit (100 ms), which a loaded machine can exceed: a new
        // product is read until one is written.
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await App.GetConnectionStringAsync(ResourceNames.Redis))!);
        var (product, inRedis) = await Eventually.ReadAsync(async () =>
        {
            var created = await Catalog.CreateProductAsync(admin);
            Assert.Equal(1, (await ReadAsync("api-0", created.Id)).Version);
            return (created, await redis.GetDatabase().KeyExistsAsync(ProductCache.RedisKeyPrefix + ProductCache.Key(created.Id)));
        }, read => read.Item2, TimeSpan.FromSeconds(20));
        Assert.True(inRedis, $"api-0 wrote no product to Redis in 20 s; its Redis failures: {await App.ReadMetricAsync("api-0", "scalefast_cache_redis_failures_total")}");

        using var api1 = App.CreateHttpClient("api-1", "http");
        var stop = await App.ResourceCommands.ExecuteCommandAsync(ResourceNames.Postgres, KnownResourceCommands.StopCommand);
        Assert.True(stop.Success, stop.Message);
        try
        {
            // Redis hangs while api-1 reads: its calls time out and its breaker opens for
            // Catalog:RedisBreakDuration (5 s), outlasting the 2 s hang.
            var hang = App.HangAsync(ResourceNames.Redis, seconds: 2);
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
            {
                using var _ = await api1.GetAsync($"/api/products/{9_000 + i}");
            }));
            await hang;
            Assert.Equal(0, await App.ReadMetricAsync("api-1", "scalefast_cache_redis_available"));

            // Redis answers again, the breaker still skips it, Postgres is down: without the patient
            // read this is a 503.
            using var response = await api1.GetAsync($"/api/products/{product.Id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(product.Name, (await response.Content.ReadFromJsonAsync<ProductDto>())!.Name);
        }
        finally
        {
            await App.ResourceCommands.ExecuteCommandAsync(ResourceNames.Postgres, KnownResourceCommands.StartCommand);
            var order = await Eventually.ReadAsync(
                () => admin.PostAsJsonAsync("/api/orders", Catalog.Order((42, 1))),
                r => r.StatusCode is not HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        }
    }

    /// <summary>
    /// Reads ids nobody has (each asks Redis) until every replica's cache takes Redis again: a fault
    /// before this test (a hang, a kill) may have left a breaker open, Redis skipped for its break.
    /// </summary>
    private async Task EveryReplicaTakesRedisAsync()
    {
        var id = 8_000;
        var available = await Eventually.ReadAsync(async () =>
        {
            var each = new List<double>();
            foreach (var api in Apis)
            {
                using var client = App.CreateHttpClient(api, "http");
                using var _ = await client.GetAsync($"/api/products/{Interlocked.Increment(ref id)}");
                each.Add(await App.ReadMetricAsync(api, "scalefast_cache_redis_available"));
            }

            return each;
        }, each => each.All(value => value == 1), TimeSpan.FromSeconds(30));
        Assert.All(available, value => Assert.Equal(1, value));
    }

    private async Task<ProductDto> ReadAsync(string api, long id)
    {
        using var client = App.CreateHttpClient(api, "http");
        return (await client.GetFromJsonAsync<ProductDto>($"/api/products/{id}"))!;
    }

    private async Task<double> RedisFailuresAsync()
    {
        var total = 0.0;
        foreach (var api in Apis)
        {
            total += await App.ReadMetricAsync(api, "scalefast_cache_redis_failures_total");
        }

        return total;
    }

    private async Task<HttpStatusCode> ReadinessAsync(string api)
    {
        // Asked in the middle of the hang, after the gateway's probes had time to fail twice.
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var management = App.CreateHttpClient(api, "management");
        return (await management.GetAsync(ServiceEndpoints.ReadinessPath)).StatusCode;
    }

    /// <summary>Demo products at random (ids 1–10,000, most not cached) until the time is up.</summary>
    private static async Task<(List<HttpStatusCode> Statuses, TimeSpan Slowest)> ReadRandomProductsAsync(HttpClient gateway, TimeSpan duration, int readers)
    {
        var statuses = new List<HttpStatusCode>();
        var slowest = TimeSpan.Zero;
        var until = DateTime.UtcNow + duration;
        await Task.WhenAll(Enumerable.Range(0, readers).Select(async _ =>
        {
            while (DateTime.UtcNow < until)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await gateway.GetAsync($"/api/products/{Random.Shared.Next(1, 10_001)}");
                var elapsed = Stopwatch.GetElapsedTime(started);
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                    slowest = elapsed > slowest ? elapsed : slowest;
                }
            }
        }));
        return (statuses, slowest);
    }
}
