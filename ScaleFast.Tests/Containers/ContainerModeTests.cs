using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Infrastructure;
using ScaleFast.Tests.Infrastructure.Containers;
using ScaleFast.Tests.Worker;

namespace ScaleFast.Tests.Containers;

/// <summary>
/// Container mode on real containers: the servers run from images, the services as processes of this
/// machine that listen on loopback only, and Prometheus, a container, reaches them through DCP's
/// container-to-host tunnel.
/// </summary>
[Collection(ContainerAppCollection.Name)]
public sealed partial class ContainerModeTests(ContainerAppFixture fixture)
{
    private static readonly string[] ApiInstances = [.. Enumerable.Range(0, ContainerAppFixture.ApiReplicas).Select(ResourceNames.Api)];

    private static readonly IReadOnlyDictionary<string, string> Images = LocalContainerImages.ByServer;

    // Prometheus sees a target at its next scrape (every 5 s), once the tunnel to it is up.
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(60);

    private DistributedApplication App => fixture.App;

    [ContainerFact]
    public async Task Every_resource_is_healthy_and_every_server_a_running_container_of_its_image()
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        Assert.Equal(Images.Keys.Order(), model.Resources.Where(r => r.IsContainer()).Select(r => r.Name).Order());

        foreach (var name in fixture.Test.ResourceNames)
        {
            Assert.True(App.ResourceNotifications.TryGetCurrentState(name, out var state), name);
            Assert.Equal(HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }

        foreach (var (server, image) in Images)
        {
            var container = ContainerId(server);
            Assert.Equal(image, await DockerEngine.InspectAsync(container, "{{.Config.Image}}"));
            Assert.Equal("running", await DockerEngine.InspectAsync(container, "{{.State.Status}}"));
        }
    }

    [ContainerFact]
    public async Task Every_container_of_the_app_publishes_its_ports_on_loopback_only_and_the_brokers_metrics_not_at_all()
    {
        var network = (await DockerEngine.InspectAsync(ContainerId(ResourceNames.Postgres), "{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{end}}")).Trim();
        var containers = await DockerEngine.ContainersOnAsync(network);

        // The servers, and DCP's tunnel client beside them.
        Assert.Equal(Images.Count + 1, containers.Count);
        foreach (var container in containers)
        {
            var bindings = JsonSerializer.Deserialize<Dictionary<string, PortBinding[]?>>(
                await DockerEngine.InspectAsync(container, "{{json .NetworkSettings.Ports}}"))!;
            var published = bindings.Where(b => b.Value is { Length: > 0 }).ToList();
            Assert.NotEmpty(published);
            Assert.All(published.SelectMany(b => b.Value!), binding => Assert.Equal("127.0.0.1", binding.HostIp));
        }

        var broker = JsonSerializer.Deserialize<Dictionary<string, PortBinding[]?>>(
            await DockerEngine.InspectAsync(ContainerId(ResourceNames.RabbitMQ), "{{json .NetworkSettings.Ports}}"))!;
        Assert.True(broker["15692/tcp"] is null or { Length: 0 }, "The broker's metrics port is published.");
    }

    [ContainerFact]
    public async Task The_gateway_forwards_api_requests_to_every_instance()
    {
        Assert.Equal(ApiInstances, await App.InstancesAnsweringTheGatewayAsync(3 * ApiInstances.Length));
    }

    [ContainerFact]
    public async Task Prometheus_scrapes_every_instance_through_the_tunnel_and_the_broker_on_the_container_network()
    {
        using var prometheus = await App.CreatePrometheusClientAsync();
        string[] expected = [.. ApiInstances, ResourceNames.Worker(0), ResourceNames.Gateway, ResourceNames.RabbitMQ];

        var targets = await Eventually.ReadAsync(async () =>
        {
            var answer = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/targets");
            return answer.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Select(t => (
                    Instance: t.GetProperty("labels").GetProperty("instance").GetString()!,
                    Host: new Uri(t.GetProperty("scrapeUrl").GetString()!).Host,
                    Up: t.GetProperty("health").GetString() == "up"))
                .ToList();
        }, all => all.Count == expected.Length && all.All(t => t.Up), ScrapeWait);

        Assert.Equal(expected.Order(), targets.Where(t => t.Up).Select(t => t.Instance).Order());
        Assert.All(targets.Where(t => t.Instance != ResourceNames.RabbitMQ), t => Assert.Equal("aspire.dev.internal", t.Host));
        Assert.Equal(ResourceNames.RabbitMQ, targets.Single(t => t.Instance == ResourceNames.RabbitMQ).Host);
    }

    [ContainerFact]
    public async Task Prometheus_loads_every_alert_rule()
    {
        var rules = Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", "monitoring", "prometheus", "rules");
        var alerts = Directory.EnumerateFiles(rules, "*.yml")
            .SelectMany(file => AlertName().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.NotEmpty(alerts);

        using var prometheus = await App.CreatePrometheusClientAsync();
        var loaded = (await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/rules?type=alert")).GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => r.GetProperty("name").GetString()!);

        Assert.Equal(alerts.Order(), loaded.Order());
    }

    [ContainerFact]
    public async Task An_order_through_the_gateway_is_confirmed_by_email()
    {
        using var gateway = await App.CreateAdminClientAsync(ResourceNames.Gateway);
        using var mail = await MailSink.ConnectAsync(App);

        var order = await Orders.PlaceAsync(gateway);

        var sent = await Eventually.ReadAsync(() => mail.ConfirmationsAsync([order]), c => c[order] > 0, TestSettings.RequestTimeout);
        Assert.Equal(1, sent[order]);
    }

    private string ContainerId(string resource) =>
        fixture.Test.ContainerId(resource) ?? throw new InvalidOperationException($"{resource} has no container id.");

    [GeneratedRegex(@"^\s*-\s*alert:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex AlertName();

    private sealed record PortBinding(string HostIp, string HostPort);
}
