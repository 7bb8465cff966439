using System.Text;
using Microsoft.Extensions.Logging;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// The ScaleFast AppHost started through <c>DistributedApplicationTestingBuilder</c>, in local mode
/// unless the arguments choose containers, with throw-away data directories, waited on until every
/// resource (or those a test names) is healthy.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly bool _ownsDataDirectory;

    private TestApp(DistributedApplication app, string dataDirectory, bool ownsDataDirectory)
    {
        App = app;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public DistributedApplication App { get; }

    /// <summary>Every resource's console output since the start.</summary>
    public ResourceLogs Logs { get; private set; } = null!;

    public string DataDirectory { get; }

    /// <summary>Starts the app with a throw-away data directory, deleted when the app is disposed.</summary>
    public static Task<TestApp> StartAsync(params string[] extraArguments) =>
        StartAsync(Directory.CreateTempSubdirectory("scalefast-test-").FullName, ownsDataDirectory: true, extraArguments);

    /// <summary>
    /// Starts the app with a throw-away data directory and waits for <paramref name="resources"/>
    /// only (the servers a test is about): the rest goes on starting, and stops with the app.
    /// </summary>
    public static Task<TestApp> StartAsync(IReadOnlyCollection<string> resources, params string[] extraArguments) =>
        StartAsync(Directory.CreateTempSubdirectory("scalefast-test-").FullName, ownsDataDirectory: true, extraArguments, resources);

    /// <summary>Starts the app on a data directory the caller owns (to restart on the same data).</summary>
    public static Task<TestApp> StartOnAsync(string dataDirectory, params string[] extraArguments) =>
        StartAsync(dataDirectory, ownsDataDirectory: false, extraArguments);

    /// <summary>
    /// Starts the app on a data directory the caller owns and waits for <paramref name="resources"/>
    /// only (the servers a test is about): the rest goes on starting, and stops with the app.
    /// </summary>
    public static Task<TestApp> StartOnAsync(string dataDirectory, IReadOnlyCollection<string> resources, params string[] extraArguments) =>
        StartAsync(dataDirectory, ownsDataDirectory: false, extraArguments, resources);

    private static async Task<TestApp> StartAsync(
        string dataDirectory, bool ownsDataDirectory, string[] extraArguments, IReadOnlyCollection<string>? resources = null)
    {
        string[] arguments =
        [
            "--ScaleFast:Infrastructure=local",
            $"--ScaleFast:DataDirectory={dataDirectory}",
            // Not 8080: a ScaleFast started by hand may hold it, and the endpoint is proxy-less.
            $"--ScaleFast:GatewayPort={ScaleFast.Hosting.Local.FreePorts.Next()}",
            .. extraArguments,
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleFast_AppHost>(arguments);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error));

        var app = await builder.BuildAsync();
        var local = new TestApp(app, dataDirectory, ownsDataDirectory);
        local.Logs = ResourceLogs.Watch(app, local.ResourceNames);
        try
        {
            using var timeout = new CancellationTokenSource(TestSettings.StartupTimeout);
            await app.StartAsync(timeout.Token);
            await local.WaitForHealthyAsync(resources ?? local.ResourceNames, timeout.Token);
        }
        catch (OperationCanceledException e)
        {
            var states = local.DescribeStates();
            await local.DisposeAsync();
            throw new TimeoutException($"The app did not become healthy within {TestSettings.StartupTimeout}:\n{states}", e);
        }

        return local;
    }

    /// <summary>Names of every resource the dashboard shows, parameters aside.</summary>
    public IReadOnlyList<string> ResourceNames => App.Services.GetRequiredService<DistributedApplicationModel>().Resources
        .Where(r => r is not ParameterResource)
        .Where(r => !App.ResourceNotifications.TryGetCurrentState(r.Name, out var e) || !e.Snapshot.IsHidden)
        .Select(r => r.Name)
        .ToList();

    /// <summary>The id of <paramref name="resource"/>'s container, if it is one that runs.</summary>
    public string? ContainerId(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var state)
            ? state.Snapshot.Properties.FirstOrDefault(p => p.Name == "container.id")?.Value?.ToString()
            : null;

    public Task WaitForAllHealthyAsync(CancellationToken cancellationToken) => WaitForHealthyAsync(ResourceNames, cancellationToken);

    private async Task WaitForHealthyAsync(IEnumerable<string> resources, CancellationToken cancellationToken) =>
        await Task.WhenAll(resources.Select(name => App.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken)));

    public string DescribeStates()
    {
        var text = new StringBuilder();
        foreach (var name in ResourceNames)
        {
            var state = App.ResourceNotifications.TryGetCurrentState(name, out var e)
                ? $"{e.Snapshot.State?.Text} health={e.Snapshot.HealthStatus?.ToString() ?? "-"}"
                : "unknown";
            text.AppendLine($"  {name}: {state}");
        }

        return text.ToString();
    }

    /// <summary>
    /// Stops the app. On a throw-away data directory the servers are killed first: their data is
    /// deleted next, and a clean stop costs the suite 6 s per app (RabbitMQ 3.10's management agent
    /// waits 5 s in its stop hook, and DCP kills it after 6 s anyway). The real stop, servers and all,
    /// is what an app on a caller's data directory gets (<see cref="StartOnAsync(string, string[])"/>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Logs.DisposeAsync();
        if (_ownsDataDirectory)
        {
            foreach (var server in ProcessTable.Under(DataDirectory))
            {
                ProcessTable.Kill(server.Pid);
            }

            await KillContainersAsync();
        }

        await App.DisposeAsync();
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server that was still flushing; the OS cleans temporary directories.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Container mode's servers, killed as local mode's are (the engine then removes them at once).</summary>
    private async Task KillContainersAsync()
    {
        var containers = ResourceNames.Select(ContainerId).OfType<string>().ToList();
        if (containers.Count > 0)
        {
            await Command.RunAsync("docker", ["kill", .. containers]);
        }
    }
}
