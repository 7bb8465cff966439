using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using ScaleFast.AppHost.Local;
using ScaleFast.Gateway.Extensions;
using ScaleFast.Tests.Api;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// The errors the gateway itself produces when no replica answers properly, on an in-process
/// gateway (the real services and pipeline) with clusters that fail on purpose.
/// </summary>
public sealed class GatewayErrorTests : IAsyncLifetime
{
    // Accepts connections and never answers: a replica that hangs.
    private readonly TcpListener _silent = new(System.Net.IPAddress.Loopback, 0);
    private WebApplication? _gateway;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        _silent.Start();
        var refusedPort = FreePorts.Next();

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
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
            ["ReverseProxy:Routes:empty:ClusterId"] = "empty",
            ["ReverseProxy:Routes:empty:Match:Path"] = "/api/empty/{**rest}",
            ["ReverseProxy:Clusters:empty:LoadBalancingPolicy"] = "RoundRobin",
        });
        builder.AddGatewayServices();
        _gateway = builder.Build();
        _gateway.UseGatewayPipeline();
        _gateway.MapGateway();
        await _gateway.StartAsync();
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
    public async Task A_write_to_a_replica_that_refuses_is_not_retried_and_gets_a_502_ProblemDetails()
    {
        var response = await _client!.PostAsJsonAsync("/api/refused/orders", new { });

        await Catalog.AssertProblemAsync(response, HttpStatusCode.BadGateway);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _silent.Stop();
        _silent.Dispose();
    }
}
