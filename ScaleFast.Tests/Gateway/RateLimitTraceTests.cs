using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using ScaleFast.Hosting.Local;
using ScaleFast.Gateway.Extensions;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// Redis commands have no spans of their own in the gateway; the limiter's decision is on the
/// request's span. An in-process gateway whose Redis does not answer: the decision is fail-open.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class RateLimitTraceTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _requests = new();
    private readonly ActivityListener _listener;
    private WebApplication? _gateway;

    public RateLimitTraceTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _requests.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync()
    {
        var refused = FreePorts.Next();

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false",
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**rest}",
            ["ReverseProxy:Clusters:api:Destinations:d0:Address"] = $"http://127.0.0.1:{refused}",
        });
        builder.AddGatewayServices();
        _gateway = builder.Build();
        _gateway.UseGatewayPipeline();
        _gateway.MapGateway();
        await _gateway.StartAsync();
    }

    [Fact]
    public async Task The_request_span_carries_the_rate_limit_decision()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_gateway!.Urls.Single()) };
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        // The replica refuses (502); what matters is the decision taken before forwarding.
        using var response = await client.SendAsync(request);

        var span = await Eventually.ReadAsync(
            () => Task.FromResult(_requests.FirstOrDefault(a => a.TraceId == trace)),
            found => found is not null,
            TimeSpan.FromSeconds(10));
        Assert.Equal("reads", span!.GetTagItem("scalefast.rate_limit.policy"));
        Assert.Equal("redis_failed_allowed", span.GetTagItem("scalefast.rate_limit.result"));
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
