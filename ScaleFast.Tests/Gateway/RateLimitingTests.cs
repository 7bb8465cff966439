using System.Net.Http.Json;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Contracts;
using ScaleFast.Gateway.RateLimiting;

namespace ScaleFast.Tests.Gateway;

/// <summary>The limiter in the gateway, end to end: exact count, headers, 429 problem, Retry-After honoured.</summary>
[Collection(GatewayAppCollection.Name)]
public sealed class RateLimitingTests(GatewayAppFixture fixture)
{
    [Fact]
    public async Task A_client_gets_its_writes_then_429_with_Retry_After_and_after_waiting_it_may_write_again()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        var client = $"10.30.0.{Random.Shared.Next(1, 250)}";

        var remaining = new List<int>();
        for (var i = 0; i < GatewayAppFixture.WriteLimit; i++)
        {
            var allowed = await WriteAsync(gateway, client);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
            Assert.Equal(GatewayAppFixture.WriteLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(allowed, "RateLimit-Limit"));
            remaining.Add(int.Parse(Header(allowed, "RateLimit-Remaining"), System.Globalization.CultureInfo.InvariantCulture));
        }

        var rejected = await WriteAsync(gateway, client);
        var otherClient = await WriteAsync(gateway, "10.31.0.1");

        Assert.Equal([4, 3, 2, 1, 0], remaining);
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0", Header(rejected, "RateLimit-Remaining"));
        var retryAfter = rejected.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        // Until the oldest write's bucket stops counting: at most the window and one bucket, in whole seconds.
        var window = TimeSpan.FromSeconds(GatewayAppFixture.WindowSeconds);
        var longest = window + TimeSpan.FromMicroseconds(SlidingWindowBuckets.BucketMicroseconds(window));
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(Math.Ceiling(longest.TotalSeconds)));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, otherClient.StatusCode);

        await Task.Delay(retryAfter.Value);

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await WriteAsync(gateway, client)).StatusCode);
    }

    [Fact]
    public async Task Reads_have_their_own_budget_and_unknown_api_keys_do_not_escape_the_limit()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        var client = $"10.32.0.{Random.Shared.Next(1, 250)}";
        for (var i = 0; i < GatewayAppFixture.WriteLimit; i++)
        {
            await WriteAsync(gateway, client, apiKey: $"invented-{i}");
        }

        var write = await WriteAsync(gateway, client, apiKey: "invented-again");
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/instance");
        read.Headers.Add("X-Forwarded-For", client);
        var readResponse = await gateway.SendAsync(read);

        Assert.Equal(HttpStatusCode.TooManyRequests, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readResponse.StatusCode);
        Assert.Equal("600", Header(readResponse, "RateLimit-Limit"));
    }

    /// <summary>A report request with an invalid body: a write the API refuses (400), which still counts.</summary>
    private static async Task<HttpResponseMessage> WriteAsync(HttpClient gateway, string client, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(new { kind = "none" }) };
        request.Headers.Add("X-Forwarded-For", client);
        if (apiKey is not null)
        {
            request.Headers.Add(ApiHeaders.ApiKey, apiKey);
        }

        return await gateway.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"No {name} header.");
}
