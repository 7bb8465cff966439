using ScaleFast.Tests.Infrastructure;
using ScaleFast.Tests.Security;

namespace ScaleFast.Tests.Api;

/// <summary>
/// A new instance's first reads use Redis like any later one: its start warmed the cache's path to
/// Redis, so the first commands do not pay for compiling it against the 100 ms time limit (they
/// timed out, their values were not cached, and two of them opened the breaker).
/// </summary>
[Collection(UserAppHostCollection.Name)]
public sealed class FirstReadTests(UserAppHostFixture fixture)
{
    private static readonly int[] Products = [11, 12, 13];

    [Fact]
    public async Task The_first_reads_of_a_new_instance_reach_redis_without_a_timeout()
    {
        // The app of this collection has one API instance, which nothing else in it reads products from.
        var pid = ProcessTable.FindService("api-0") ?? throw new InvalidOperationException("api-0 is not running.");
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ProcessTable.EnvironmentVariable(pid, "ScaleFast__ManagementPort")}") };
        using var gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.App.GatewayPort}") };

        foreach (var id in Products)
        {
            using var response = await gateway.GetAsync(new Uri($"/api/products/{id}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var metrics = await management.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(Products.Length, ScaleFastAppExtensions.SumMetric(metrics, "scalefast_cache_requests_total", "layer=\"redis\""));
        Assert.Equal(0, ScaleFastAppExtensions.SumMetric(metrics, "scalefast_cache_redis_failures_total"));

        // Whether a cold first command outlasts the limit depends on the machine's load; that the
        // start warmed the path does not.
        var records = await Eventually.ReadAsync(
            () => DashboardLogs.ReadAsync(fixture.App),
            logs => logs.Any(IsWarmUp),
            TimeSpan.FromSeconds(10));
        Assert.Contains(records, IsWarmUp);
    }

    private static bool IsWarmUp(DashboardLogs.Record record) =>
        record.Service == "api-0" && record.Message.StartsWith("The product cache's path to Redis is warm", StringComparison.Ordinal);
}
