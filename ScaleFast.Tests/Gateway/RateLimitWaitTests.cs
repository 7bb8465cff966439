using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// The time requests wait for Redis is measured, and only for those that wait: a new client's
/// first request (its gateway asks Redis for a lease), not the next ones, decided from the lease.
/// An in-process gateway on a Redis of the test's own; the replica behind it refuses, which does
/// not matter here: the decision comes before forwarding.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class RateLimitWaitTests
{
    [Fact]
    public async Task A_new_clients_first_request_waits_for_Redis_and_is_timed_the_next_are_decided_at_once()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        // A window of a day: the lease's bucket (four hours) does not end between the requests.
        await using var gateway = await RefusingGateway.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"127.0.0.1:{redis.Port}",
            ["Gateway:RateLimiting:Window"] = "1.00:00:00",
        });
        var waits = new ConcurrentQueue<(double Seconds, object? Policy)>();
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "scalefast.rate_limit.wait.duration" && instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) => waits.Enqueue((seconds, tags.ToArray().Single(t => t.Key == "policy").Value)));
        listener.Start();

        await ReadAsync(gateway, "198.51.100.7");
        var first = Assert.Single(waits);
        Assert.Equal("reads", first.Policy);
        Assert.InRange(first.Seconds, 0, TestSettings.RequestTimeout.TotalSeconds);

        for (var i = 0; i < 5; i++)
        {
            await ReadAsync(gateway, "198.51.100.7");
        }

        Assert.Single(waits);
        await ReadAsync(gateway, "198.51.100.8");
        Assert.Equal(2, waits.Count);
    }

    private static async Task ReadAsync(RefusingGateway gateway, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await gateway.Client.SendAsync(request);
        Assert.True(response.Headers.Contains("RateLimit-Remaining"), $"decided by Redis: {(int)response.StatusCode}");
    }
}
