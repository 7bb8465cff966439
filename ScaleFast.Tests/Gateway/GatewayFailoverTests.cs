using System.Diagnostics;
using System.Net.Http.Json;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;
using Xunit.Abstractions;
using ScaleFast.Contracts;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// IpHash balancing with a replica that leaves and comes back: clients are told apart by
/// <c>X-Forwarded-For</c>, which the gateway believes from loopback.
/// </summary>
[Collection(GatewayAppCollection.Name)]
public sealed class GatewayFailoverTests(GatewayAppFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Clients = [.. Enumerable.Range(1, 24).Select(i => $"10.20.0.{i}")];

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task A_stopped_replica_loses_only_its_clients_with_no_failed_GET_and_gets_them_back_when_healthy()
    {
        using var gateway = App.CreateHttpClient(ResourceNames.Gateway, "http");
        var home = await RoundAsync(gateway);
        Assert.Equal(home, await RoundAsync(gateway));
        Assert.Equal(["api-0", "api-1", "api-2"], home.Values.Distinct().Order());

        // The command can report failure when the process takes longer to exit than it waits;
        // what counts is that api-1 stops answering.
        await App.ResourceCommands.ExecuteCommandAsync("api-1", KnownResourceCommands.StopCommand);
        Assert.True(await StopsAnsweringAsync("api-1"), "api-1 still answers after the stop command.");

        // Every client keeps asking while the gateway notices (active probe every 2 s); retries
        // move a GET that hits the stopped replica to another one.
        var failures = 0;
        var rounds = 0;
        Dictionary<string, string> during = [];
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(10); rounds++)
        {
            during = await RoundAsync(gateway, failure => failures++);
        }

        output.WriteLine($"{rounds} rounds of {Clients.Length} GETs while api-1 was away: {failures} failed.");
        Assert.InRange(failures, 0, 3);
        Assert.DoesNotContain("api-1", during.Values);
        Assert.All(Clients.Where(c => home[c] != "api-1"), client => Assert.Equal(home[client], during[client]));

        var start = await App.ResourceCommands.ExecuteCommandAsync("api-1", KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        using (var timeout = new CancellationTokenSource(TestSettings.StartupTimeout))
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync("api-1", timeout.Token);
        }

        var back = await Eventually.ReadAsync(() => RoundAsync(gateway), assignment => assignment.SequenceEqual(home), TimeSpan.FromSeconds(30));
        Assert.True(home.SequenceEqual(back),
            $"api-1's clients did not come back within 30 s of its being healthy: {string.Join(", ", back.Where(b => home[b.Key] != b.Value).Select(b => $"{b.Key} on {b.Value}, not {home[b.Key]}"))}\n"
            + fixture.Local.Logs.Problems(ResourceNames.Gateway, "api-1"));
    }

    private static async Task<Dictionary<string, string>> RoundAsync(HttpClient gateway, Action<HttpResponseMessage>? onFailure = null)
    {
        var assignment = new Dictionary<string, string>();
        foreach (var client in Clients)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/instance");
            request.Headers.Add("X-Forwarded-For", client);
            var response = await gateway.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                onFailure?.Invoke(response);
                continue;
            }

            assignment[client] = (await response.Content.ReadFromJsonAsync<InstanceDto>())!.Instance;
        }

        return assignment;
    }

    private async Task<bool> StopsAnsweringAsync(string instance)
    {
        using var management = App.CreateHttpClient(instance, "management");
        management.Timeout = TimeSpan.FromSeconds(2);
        for (var deadline = DateTime.UtcNow + TestSettings.RequestTimeout; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            try
            {
                await management.GetAsync(ServiceEndpoints.LivenessPath);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return true;
            }
        }

        return false;
    }

}
