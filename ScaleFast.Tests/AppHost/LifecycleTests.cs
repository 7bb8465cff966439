using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Hosting.Local;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

/// <summary>Local servers live and die with the AppHost, and keep their data across restarts.</summary>
public sealed class LifecycleTests
{
    private static readonly string[] ServerProcesses = ["postgres", "redis-server", "beam.smp", "epmd", "prometheus"];

    /// <summary>The servers' resources: the start waits for these; the services are still starting when the app stops.</summary>
    private static readonly string[] Servers = [ResourceNames.Postgres, ResourceNames.Redis, ResourceNames.RabbitMQ, ResourceNames.Prometheus];

    [Fact]
    public async Task Stopping_the_app_stops_every_server_it_started_and_Postgres_shuts_down_cleanly()
    {
        // A data directory of the test's own: the app on it gets the real stop (a throw-away app's servers are killed).
        var data = Directory.CreateTempSubdirectory("scalefast-lifecycle-");
        try
        {
            var local = await TestApp.StartOnAsync(data.FullName, Servers, "--ScaleFast:ApiReplicas=1", "--ScaleFast:WorkerReplicas=1");
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

            // SIGTERM is Postgres' smart shutdown: it waits for every client to leave, and was killed
            // when the AppHost's own pooled connections stayed.
            // The postgres the AppHost runs, found the way it finds it; pg_controldata is beside it.
            var postgres = LocalBinaries.Find(LocalBinary.Postgres, Environment.GetEnvironmentVariable("PATH"))!;
            var control = await Command.RunAsync(Path.Combine(Path.GetDirectoryName(postgres)!, "pg_controldata"),
                [Path.Combine(data.FullName, ResourceNames.Postgres)]);
            Assert.Contains("Database cluster state:               shut down", control.StandardOutput);
        }
        finally
        {
            data.DeleteQuietly();
        }
    }
}
