using System.Collections.Concurrent;
using System.Diagnostics;
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
    private RefusingGateway? _gateway;

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

    public async Task InitializeAsync() =>
        _gateway = await RefusingGateway.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false" });

    [Fact]
    public async Task The_request_span_carries_the_rate_limit_decision()
    {
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        // The replica refuses (502); what matters is the decision taken before forwarding.
        using var response = await _gateway!.Client.SendAsync(request);

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
