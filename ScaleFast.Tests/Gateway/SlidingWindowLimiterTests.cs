using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Gateway.RateLimiting;
using ScaleFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace ScaleFast.Tests.Gateway;

/// <summary>The limiter against the app's real Redis, as two gateways would use it, and with Redis unreachable.</summary>
[Collection(ScaleFastAppCollection.Name)]
public sealed class SlidingWindowLimiterTests(ScaleFastAppFixture fixture)
{
    [Fact]
    public async Task Two_limiters_sharing_Redis_admit_exactly_the_limit_together()
    {
        var redis = await fixture.App.GetConnectionStringAsync(ResourceNames.Redis);
        using var first = await ConnectionMultiplexer.ConnectAsync(redis!);
        using var second = await ConnectionMultiplexer.ConnectAsync(redis!);
        var logs = new[] { new SlidingWindowLog(first), new SlidingWindowLog(second) };
        var partition = $"test:{Guid.NewGuid():N}";

        var decisions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            logs[i % 2].TryAdmitAsync(partition, limit: 10, TimeSpan.FromSeconds(30))));

        Assert.Equal(10, decisions.Count(d => d.Admitted));
        Assert.All(decisions.Where(d => !d.Admitted), d => Assert.InRange(d.Reset, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_slot_frees_when_the_oldest_request_leaves_the_window()
    {
        var redis = await fixture.App.GetConnectionStringAsync(ResourceNames.Redis);
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis!);
        var log = new SlidingWindowLog(connection);
        var partition = $"test:{Guid.NewGuid():N}";
        var window = TimeSpan.FromSeconds(2);

        Assert.True((await log.TryAdmitAsync(partition, 2, window)).Admitted);
        Assert.True((await log.TryAdmitAsync(partition, 2, window)).Admitted);
        var refused = await log.TryAdmitAsync(partition, 2, window);
        Assert.False(refused.Admitted);

        await Task.Delay(refused.Reset + TimeSpan.FromMilliseconds(100));

        Assert.True((await log.TryAdmitAsync(partition, 2, window)).Admitted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_Redis_unreachable_the_limiter_answers_at_once_as_configured(bool failClosed)
    {
        using var unreachable = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=200");
        var options = new RateLimitingOptions { FailClosed = failClosed };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var limiter = new RedisRateLimiter(unreachable, Options.Create(options), services.GetRequiredService<IMeterFactory>(), NullLogger<RedisRateLimiter>.Instance);
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/api/products/1";

        var clock = Stopwatch.StartNew();
        using var lease = await limiter.AcquireAsync(context);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(!failClosed, lease.IsAcquired);
        Assert.Equal(failClosed, lease.TryGetMetadata(MetadataName.RetryAfter, out _));
    }
}
