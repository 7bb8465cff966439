using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

/// <summary>Local servers live and die with the AppHost, and keep their data across restarts.</summary>
public sealed class LifecycleTests
{
    private static readonly string[] ServerProcesses = ["postgres", "redis-server", "beam.smp", "epmd", "prometheus"];

    [Fact]
    public async Task Stopping_the_app_stops_every_server_it_started()
    {
        var local = await LocalApp.StartAsync("--ScaleFast:ApiReplicas=1", "--ScaleFast:WorkerReplicas=1");
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
