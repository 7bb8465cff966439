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
