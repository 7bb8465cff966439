using System.Net.Http.Json;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Contracts;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

[Collection(ScaleFastAppCollection.Name)]
public sealed class TopologyTests(ScaleFastAppFixture fixture)
{
    private static readonly string[] ApiInstances = ["api-0", "api-1", "api-2"];
    private static readonly string[] WorkerInstances = ["worker-0", "worker-1"];

    [Fact]
    public void The_model_holds_every_contracted_resource_and_no_container()
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var names = model.Resources.Select(r => r.Name).ToHashSet();

        Assert.Superset(
            new HashSet<string>([ResourceNames.Postgres, ResourceNames.Database, ResourceNames.Redis, ResourceNames.RabbitMQ, ResourceNames.Prometheus, ResourceNames.Gateway, .. ApiInstances, .. WorkerInstances]),
            names);
        Assert.DoesNotContain(model.Resources, r => r.IsContainer());
    }

    [Fact]
    public async Task Every_resource_is_healthy()
    {
        using var timeout = new CancellationTokenSource(TestSettings.RequestTimeout);
        await fixture.Local.WaitForAllHealthyAsync(timeout.Token);

        foreach (var name in fixture.Local.ResourceNames)
        {
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(name, out var state), name);
            Assert.Equal(HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    [Theory]
    [InlineData("api-0")]
    [InlineData("api-1")]
    [InlineData("api-2")]
    public async Task Each_api_instance_answers_directly_with_its_database_and_cache(string instance)
    {
        using var client = fixture.App.CreateHttpClient(instance, "http");

        var status = await client.GetFromJsonAsync<InstanceStatus>("/api/instance");

        Assert.NotNull(status);
        Assert.Equal(instance, status.Instance);
        Assert.StartsWith("PostgreSQL ", status.Database.Server, StringComparison.Ordinal);
        Assert.StartsWith("Redis ", status.Cache.Server, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_forwards_api_requests_to_every_instance()
    {
        Assert.Equal(ApiInstances, await fixture.App.InstancesAnsweringTheGatewayAsync(3 * ApiInstances.Length));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/instance")]
    [InlineData("/apix/instance")]
    [InlineData("/metrics")]
    [InlineData(ServiceEndpoints.ReadinessPath)]
    public async Task The_gateway_routes_nothing_but_api(string path)
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");

        var response = await gateway.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("api-1")]
    [InlineData("worker-0")]
    [InlineData("gateway")]
    public async Task Health_and_metrics_are_served_on_the_management_endpoint_only(string service)
    {
        using var management = fixture.App.CreateHttpClient(service, "management");
        using var http = fixture.App.CreateHttpClient(service, "http");

        // Readiness runs the service's checks, each with a 1 s limit: on two loaded cores one may miss
        // it for a moment (a 503 from the same endpoint), which is readiness working, not routing failing.
        var ready = await Eventually.ReadAsync(
            async () => (await management.GetAsync(ServiceEndpoints.ReadinessPath)).StatusCode,
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync(ServiceEndpoints.LivenessPath)).StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await management.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(ServiceEndpoints.ReadinessPath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/api/instance")).StatusCode);
    }

    private sealed record InstanceStatus(string Instance, DependencyStatus Database, DependencyStatus Cache);

    private sealed record DependencyStatus(string Server, double? LatencyMs);
}
