using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ScaleFast.Hosting.Local;
using ScaleFast.Tests.Api;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// The errors the gateway itself produces when no replica answers properly, and the writes it may
/// send again, on an in-process gateway (the real services and pipeline) with clusters that fail
/// on purpose.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class GatewayErrorTests : IAsyncLifetime
{
    // Accepts connections and never answers: a replica that hangs.
    private readonly TcpListener _silent = new(System.Net.IPAddress.Loopback, 0);
    private readonly List<string> _answered = [];
    private WebApplication? _replica;
    private WebApplication? _gateway;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        _silent.Start();
        var refusedPort = FreePorts.Next();

        // A replica that answers every request with 201, and notes what it was sent.
        var replica = WebApplication.CreateBuilder();
        replica.WebHost.UseUrls("http://127.0.0.1:0");
        _replica = replica.Build();
        _replica.Run(async context =>
        {
            lock (_answered)
            {
                _answered.Add(context.Request.Path);
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{}");
        });
        await _replica.StartAsync();
        var answering = _replica.Urls.Single();

        _gateway = await InProcessGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:Enabled"] = "false",
            ["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false",
            ["ReverseProxy:Routes:refused:ClusterId"] = "refused",
            ["ReverseProxy:Routes:refused:Match:Path"] = "/api/refused/{**rest}",
            ["ReverseProxy:Clusters:refused:Destinations:d0:Address"] = $"http://127.0.0.1:{refusedPort}",
            ["ReverseProxy:Routes:silent:ClusterId"] = "silent",
            ["ReverseProxy:Routes:silent:Match:Path"] = "/api/silent/{**rest}",
            ["ReverseProxy:Routes:silent:Timeout"] = "00:00:01",
            ["ReverseProxy:Clusters:silent:Destinations:d0:Address"] = $"http://127.0.0.1:{((System.Net.IPEndPoint)_silent.LocalEndpoint).Port}",
            // First the failing replica (FirstAlphabetical), then one that answers.
            ["ReverseProxy:Routes:refusedThenAnswering:ClusterId"] = "refusedThenAnswering",
            ["ReverseProxy:Routes:refusedThenAnswering:Match:Path"] = "/api/refused-then-answering/{**rest}",
            ["ReverseProxy:Clusters:refusedThenAnswering:LoadBalancingPolicy"] = "FirstAlphabetical",
            ["ReverseProxy:Clusters:refusedThenAnswering:Destinations:d0:Address"] = $"http://127.0.0.1:{refusedPort}",
            ["ReverseProxy:Clusters:refusedThenAnswering:Destinations:d1:Address"] = answering,
            ["ReverseProxy:Routes:silentThenAnswering:ClusterId"] = "silentThenAnswering",
            ["ReverseProxy:Routes:silentThenAnswering:Match:Path"] = "/api/silent-then-answering/{**rest}",
            ["ReverseProxy:Routes:silentThenAnswering:Timeout"] = "00:00:01",
            ["ReverseProxy:Clusters:silentThenAnswering:LoadBalancingPolicy"] = "FirstAlphabetical",
            ["ReverseProxy:Clusters:silentThenAnswering:Destinations:d0:Address"] = $"http://127.0.0.1:{((System.Net.IPEndPoint)_silent.LocalEndpoint).Port}",
            ["ReverseProxy:Clusters:silentThenAnswering:Destinations:d1:Address"] = answering,
            ["ReverseProxy:Routes:empty:ClusterId"] = "empty",
            ["ReverseProxy:Routes:empty:Match:Path"] = "/api/empty/{**rest}",
            ["ReverseProxy:Clusters:empty:LoadBalancingPolicy"] = "RoundRobin",
        });
        _client = new HttpClient { BaseAddress = new Uri(_gateway.Urls.Single()), Timeout = TimeSpan.FromSeconds(20) };
    }

    [Theory]
    [InlineData("/api/refused/products/1", HttpStatusCode.BadGateway)]
    [InlineData("/api/silent/products/1", HttpStatusCode.GatewayTimeout)]
    [InlineData("/api/empty/products/1", HttpStatusCode.ServiceUnavailable)]
    public async Task The_gateways_own_errors_are_ProblemDetails(string path, HttpStatusCode status)
    {
        var response = await _client!.GetAsync(path);

        var problem = await Catalog.AssertProblemAsync(response, status);
        Assert.False(string.IsNullOrEmpty(problem.Title));
    }

    [Fact]
    public async Task A_write_to_the_only_replica_that_refuses_gets_a_502_ProblemDetails()
    {
        var response = await _client!.PostAsJsonAsync("/api/refused/orders", new { });

        await Catalog.AssertProblemAsync(response, HttpStatusCode.BadGateway);
    }

    [Fact]
    public async Task A_write_whose_connection_was_refused_goes_to_another_replica_it_never_reached_the_first()
    {
        var response = await _client!.PostAsJsonAsync("/api/refused-then-answering/orders", new { });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("/api/refused-then-answering/orders", Answered());
    }

    [Fact]
    public async Task A_write_a_replica_received_is_never_sent_again_even_when_it_does_not_answer()
    {
        var response = await _client!.PostAsJsonAsync("/api/silent-then-answering/orders", new { });

        await Catalog.AssertProblemAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.DoesNotContain("/api/silent-then-answering/orders", Answered());
    }

    private List<string> Answered()
    {
        lock (_answered)
        {
            return [.. _answered];
        }
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_replica is not null)
        {
            await _replica.DisposeAsync();
        }

        _silent.Stop();
        _silent.Dispose();
    }
}
