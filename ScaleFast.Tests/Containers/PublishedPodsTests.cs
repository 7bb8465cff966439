using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using k8s.Models;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;
using ScaleFast.Tests.Infrastructure.Containers;
using ScaleFast.Tests.Kubernetes;

namespace ScaleFast.Tests.Containers;

/// <summary>
/// The published Kubernetes objects' pods, run for real in Docker: the service images built with
/// <c>dotnet publish -t:PublishContainer</c> on the runtime image built here, the servers on the
/// images built here, each with the environment its Deployment or StatefulSet gives it.
/// </summary>
[Collection(PublishedPodsCollection.Name)]
public sealed class PublishedPodsTests(PublishedPodsFixture fixture)
{
    // A pod's startup probe allows 90 × 2 s; here every pod starts at once on two cores.
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(2);

    [ContainerFact]
    public async Task Every_pod_passes_its_readiness_probe()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var pods = fixture.Pods.Pods;
        Assert.Equal(["api-0", "gateway-0", "mail-0", "postgres-0", "rabbitmq-0", "redis-0", "worker-0"], pods.Keys.Order());

        var ready = await Eventually.ReadAsync(
            async () => (await Task.WhenAll(pods.Select(async pod => (pod.Key, Ready: await ReadyAsync(http, pod.Value.Container.ReadinessProbe, pod.Value.Ports)))))
                .ToDictionary(p => p.Key, p => p.Ready),
            all => all.Values.All(r => r), ReadyWithin, TimeSpan.FromSeconds(2));

        foreach (var (pod, isReady) in ready)
        {
            Assert.True(isReady, $"{pod} is not ready:\n{await fixture.Pods.LogsAsync(pod)}");
        }
    }

    [ContainerFact]
    public async Task The_gateway_pod_reaches_the_api_pod_through_its_headless_service()
    {
        var gateway = fixture.Pods.Pods["gateway-0"];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.Ports[8080]}") };

        var answer = await WhenTheGatewayAnswersAsync(http);

        Assert.Equal("api-0", answer?.Instance);
    }

    [ContainerFact]
    public async Task A_client_outside_cannot_escape_its_read_limit_by_naming_itself_in_X_Forwarded_For()
    {
        // The published knobs give 123 reads a window; the requests come from the Docker host, not a trusted proxy.
        var limit = int.Parse(PublishedKubernetes.Knobs[Array.IndexOf(PublishedKubernetes.Knobs, "--Gateway:RateLimiting:ReadsPerWindow") + 1], CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Pods.Pods["gateway-0"].Ports[8080]}") };
        Assert.NotNull(await WhenTheGatewayAnswersAsync(http));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= limit; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/instance");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i % 250}, 203.0.113.{i / 250}");
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) < limit + 1, "Every spoofed address was a new client.");
    }

    /// <summary>The gateway's first answer to <c>/api/instance</c>, once it gives one (null if it never did).</summary>
    private static Task<InstanceDto?> WhenTheGatewayAnswersAsync(HttpClient http) =>
        Eventually.ReadAsync(async () =>
        {
            try
            {
                return await http.GetFromJsonAsync<InstanceDto>("/api/instance");
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, instance => instance is not null, ReadyWithin, TimeSpan.FromSeconds(2));

    private static async Task<bool> ReadyAsync(HttpClient http, V1Probe probe, IReadOnlyDictionary<int, int> ports)
    {
        try
        {
            if (probe.HttpGet is { } get)
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{ports[int.Parse(get.Port.Value)]}{get.Path}");
                return response.IsSuccessStatusCode;
            }

            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, ports[int.Parse(probe.TcpSocket.Port.Value)]);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException)
        {
            return false;
        }
    }
}
