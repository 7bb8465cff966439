using System.Net.Http.Json;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

[Collection(ScaleFastAppCollection.Name)]
public sealed class GatewayTests(ScaleFastAppFixture fixture)
{
    [Fact]
    public async Task Round_robin_spreads_300_requests_over_the_3_replicas_within_10_percent()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");

        var answered = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            answered.Add((await gateway.GetFromJsonAsync<InstanceDto>("/api/instance"))!.Instance);
        }

        var counts = answered.GroupBy(name => name).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["api-0", "api-1", "api-2"], counts.Keys.Order());
        Assert.All(counts.Values, count => Assert.InRange(count, 90, 110));
    }

    [Fact]
    public async Task The_balancer_counts_its_decisions_per_destination()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        var before = await fixture.App.ReadMetricAsync(ResourceNames.Gateway, "scalefast_gateway_balancing_decisions_total", "destination=\"api-2\"", "policy=\"RoundRobin\"");

        for (var i = 0; i < 6; i++)
        {
            await gateway.GetAsync("/api/instance");
        }

        Assert.Equal(before + 2, await fixture.App.ReadMetricAsync(ResourceNames.Gateway, "scalefast_gateway_balancing_decisions_total", "destination=\"api-2\"", "policy=\"RoundRobin\""));
    }

    [Fact]
    public async Task The_gateway_records_its_requests_but_not_its_calls_to_the_replicas()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        (await gateway.GetAsync("/api/instance")).EnsureSuccessStatusCode();

        using var management = fixture.App.CreateHttpClient(ResourceNames.Gateway, "management");
        var metrics = await management.GetStringAsync("/metrics");

        Assert.True(ScaleFastAppExtensions.SumMetric(metrics, "http_server_request_duration_seconds_count", "http_route=\"/api/{**rest}\"") > 0);
        // Each call is a replica's own request, recorded there; route matching is one route.
        Assert.DoesNotContain("\nhttp_client_", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("\naspnetcore_routing_", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateways_own_errors_are_problem_details()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");

        var response = await gateway.GetAsync("/not-routed");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_by_the_gateway_with_a_problem()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        using var body = new StringContent($"{{\"customerEmail\":\"{new string('a', 70_000)}@example.com\"}}", System.Text.Encoding.UTF8, "application/json");

        var response = await gateway.PostAsync("/api/orders", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
