using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// A client's address is the one its connection comes from: a client that is not a trusted proxy
/// cannot name another in <c>X-Forwarded-For</c>, to escape its limit or to change what the API
/// is told. The client sits in a network namespace of the test's own; the gateway listens on the
/// host's end of the veth pair.
/// </summary>
public sealed class ForwardedForTests
{
    private const int Reads = 5;

    [RootFact]
    public async Task An_untrusted_client_is_limited_and_forwarded_as_itself_whatever_it_claims()
    {
        await using var space = await NetworkNamespace.CreateAsync();
        await using var redis = await LocalRedisServer.StartAsync();
        await using var replica = await EchoReplicaAsync();
        await using var gateway = await StartGatewayAsync(space.HostAddress, redis, replica, trustedProxy: null);

        var answers = new List<(int Status, string ForwardedFor)>();
        for (var i = 0; i <= Reads; i++)
        {
            answers.Add(await GetFromAsync(space, gateway, spoofed: $"198.51.100.{i + 1}"));
        }

        // One client, whatever each request claims: its reads, then refused; the API is told its real address.
        Assert.All(answers.Take(Reads), answer => Assert.Equal((200, space.ClientAddress), (answer.Status, LastHop(answer.ForwardedFor))));
        Assert.Equal(429, answers[^1].Status);
    }

    [RootFact]
    public async Task A_trusted_proxys_forwarded_clients_are_each_their_own()
    {
        await using var space = await NetworkNamespace.CreateAsync();
        await using var redis = await LocalRedisServer.StartAsync();
        await using var replica = await EchoReplicaAsync();
        await using var gateway = await StartGatewayAsync(space.HostAddress, redis, replica, trustedProxy: space.ClientAddress);

        var answers = new List<(int Status, string ForwardedFor)>();
        for (var i = 0; i <= Reads; i++)
        {
            answers.Add(await GetFromAsync(space, gateway, spoofed: $"198.51.100.{i + 1}"));
        }

        // From a trusted proxy, each forwarded address is a client of its own, with a budget of its own.
        Assert.Equal(Enumerable.Range(1, Reads + 1).Select(i => (200, $"198.51.100.{i}")), answers.Select(a => (a.Status, LastHop(a.ForwardedFor))));
    }

    /// <summary>The address the gateway itself added to X-Forwarded-For: the client as it decided it to be.</summary>
    private static string LastHop(string forwardedFor) => forwardedFor.Split(',')[^1].Trim();

    /// <summary>A GET from inside the namespace: its status and the X-Forwarded-For the replica saw.</summary>
    private static async Task<(int Status, string ForwardedFor)> GetFromAsync(NetworkNamespace space, WebApplication gateway, string spoofed)
    {
        var url = $"{gateway.Urls.Single()}/api/instance";
        var result = await space.RunAsync("curl", "--silent", "--max-time", "10", "--header", $"X-Forwarded-For: {spoofed}", "--write-out", "\n%{http_code}", url);
        Assert.True(result.ExitCode == 0, $"curl {url} failed ({result.ExitCode}): {result.StandardError}");
        var lines = result.StandardOutput.Split('\n');
        var status = int.Parse(lines[^1], CultureInfo.InvariantCulture);
        return (status, status == 200 ? string.Join('\n', lines[..^1]) : string.Empty);
    }

    private static Task<WebApplication> StartGatewayAsync(string address, LocalRedisServer redis, WebApplication replica, string? trustedProxy)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"127.0.0.1:{redis.Port},abortConnect=false",
            ["Gateway:RateLimiting:ReadsPerWindow"] = Reads.ToString(CultureInfo.InvariantCulture),
            ["Gateway:RateLimiting:Window"] = "00:01:00",
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**rest}",
            ["ReverseProxy:Clusters:api:Destinations:only:Address"] = replica.Urls.Single(),
        };
        if (trustedProxy is not null)
        {
            settings["Gateway:TrustedProxies:0"] = trustedProxy;
        }

        return InProcessGateway.StartAsync(settings, address: address);
    }

    /// <summary>An API stand-in that answers with the X-Forwarded-For the gateway sent it.</summary>
    private static async Task<WebApplication> EchoReplicaAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var replica = builder.Build();
        replica.Run(context => context.Response.WriteAsync(context.Request.Headers["X-Forwarded-For"].ToString()));
        await replica.StartAsync();
        return replica;
    }
}
