using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Monitoring;

[Collection(ScaleFastAppCollection.Name)]
public sealed class PrometheusTests(ScaleFastAppFixture fixture)
{
    // Prometheus sees new samples only at its next scrape (every 5 s).
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_scrapes_every_instance_and_the_broker_under_their_resource_names()
    {
        using var prometheus = await fixture.App.CreatePrometheusClientAsync();
        string[] expected = ["api-0", "api-1", "api-2", "worker-0", "worker-1", "gateway", ResourceNames.RabbitMQ];

        var up = await Eventually.ReadAsync(async () =>
        {
            var targets = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/targets");
            return targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Where(t => t.GetProperty("health").GetString() == "up")
                .Select(t => t.GetProperty("labels").GetProperty("instance").GetString()!)
                .Order()
                .ToArray();
        }, instances => expected.Order().SequenceEqual(instances), ScrapeWait);

        Assert.Equal(expected.Order(), up);
    }

    [Fact]
    public async Task Request_counts_per_api_instance_add_up_to_the_requests_sent()
    {
        // Requests that match no route at all on an API come from this test only: the others' 404s
        // match a route (refused by the management port) or never leave the gateway.
        const int sent = 30;
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        for (var i = 0; i < sent; i++)
        {
            var response = await gateway.GetAsync($"/api/monitoring-probe/{i}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var prometheus = await fixture.App.CreatePrometheusClientAsync();
        var perInstance = await Eventually.ReadAsync(
            () => QueryAsync(prometheus, """sum by (instance) (http_server_request_duration_seconds_count{job="api",http_response_status_code="404",http_route=""})"""),
            counts => counts.Values.Sum() >= sent, ScrapeWait);

        Assert.Equal(sent, perInstance.Values.Sum());
        Assert.Equal(["api-0", "api-1", "api-2"], perInstance.Keys.Order());
        Assert.All(perInstance.Values, count => Assert.Equal(sent / 3, count));
    }

    private static async Task<Dictionary<string, int>> QueryAsync(HttpClient prometheus, string promQl)
    {
        var result = await prometheus.GetFromJsonAsync<JsonElement>($"/api/v1/query?query={Uri.EscapeDataString(promQl)}");
        return result.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
            series => series.GetProperty("metric").GetProperty("instance").GetString()!,
            series => (int)double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));
    }

}
