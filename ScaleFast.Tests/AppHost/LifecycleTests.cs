using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

/// <summary>Local servers live and die with the AppHost, and keep their data across restarts.</summary>
public sealed class LifecycleTests
{
    private static readonly string[] ServerProcesses = ["postgres", "redis-server", "beam.smp", "epmd", "prometheus"];

    /// <summary>The servers' resources: the start waits for these; the services are still starting when the app stops.</summary>
    private static readonly string[] Servers = [ResourceNames.Postgres, ResourceNames.Redis, ResourceNames.RabbitMQ, ResourceNames.Prometheus];

    [Fact]
    public async Task Stopping_the_app_stops_every_server_it_started()
    {
        var local = await LocalApp.StartAsync(Servers, "--ScaleFast:ApiReplicas=1", "--ScaleFast:WorkerReplicas=1");
        IReadOnlyList<ProcessTable.Entry> servers;
        try
        {
            servers = ProcessTable.Under(local.DataDirectory);
            Assert.All(ServerProcesses, name => Assert.Contains(servers, p => p.Name == name));
        }
        finally
        {
            await local.DisposeAsync();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (servers.Any(p => ProcessTable.IsAlive(p.Pid)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        Assert.Empty(servers.Where(p => ProcessTable.IsAlive(p.Pid)).Select(p => $"{p.Name} ({p.Pid})"));
    }
}
