using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ScaleFast.Hosting.Local;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// A replica that refused connections is taken out by the passive health check and comes back
/// after the cluster's <c>ReactivationPeriod</c>, not after YARP's 60 s failure-rate window.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class PassiveHealthTests
{
    private static readonly TimeSpan Reactivation = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_replica_that_refused_comes_back_after_the_configured_reactivation_period()
    {
        var port = FreePorts.Next();
        await using var steady = await ReplicaAsync("http://127.0.0.1:0", "steady");
        await using var gateway = await InProcessGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:Enabled"] = "false",
            ["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false",
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**rest}",
            ["ReverseProxy:Clusters:api:LoadBalancingPolicy"] = "RoundRobin",
            ["ReverseProxy:Clusters:api:HealthCheck:Passive:Enabled"] = "true",
            ["ReverseProxy:Clusters:api:HealthCheck:Passive:Policy"] = "TransportFailureRate",
            ["ReverseProxy:Clusters:api:HealthCheck:Passive:ReactivationPeriod"] = Reactivation.ToString("c"),
            ["ReverseProxy:Clusters:api:Destinations:away:Address"] = $"http://127.0.0.1:{port}",
            ["ReverseProxy:Clusters:api:Destinations:steady:Address"] = steady.Urls.Single(),
        });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.Single()) };

        // Every GET sent to the refusing replica is retried on the other: the failures take it out.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("steady", await client.GetStringAsync("/api/instance"));
        }

        // Out by the passive check itself (the retry alone would also have given 20 steady answers).
        Assert.True(gateway.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster("api", out var cluster));
        Assert.Equal(DestinationHealth.Unhealthy, cluster.Destinations["away"].Health.Passive);

        await using var back = await ReplicaAsync($"http://127.0.0.1:{port}", "away");
        var clock = Stopwatch.StartNew();
        var seen = "";
        while (seen != "away" && clock.Elapsed < Reactivation * 5)
        {
            seen = await client.GetStringAsync("/api/instance");
            await Task.Delay(50);
        }

        Assert.True(seen == "away", $"The replica was still out {clock.Elapsed.TotalSeconds:F1} s after it answered again (reactivation period {Reactivation.TotalSeconds} s).");
    }

    private static async Task<WebApplication> ReplicaAsync(string url, string name)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(url);
        var replica = builder.Build();
        replica.Run(context => context.Response.WriteAsync(name));
        await replica.StartAsync();
        return replica;
    }
}
