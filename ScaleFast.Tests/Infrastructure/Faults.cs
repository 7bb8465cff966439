using ScaleFast.AppHost.Lab;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>The lab's fault commands, run as the dashboard runs them: each returns once the resource is restored.</summary>
internal static class Faults
{
    /// <summary>Freezes <paramref name="resource"/> for <paramref name="seconds"/> (SIGSTOP, then SIGCONT).</summary>
    public static Task HangAsync(this DistributedApplication app, string resource, int seconds) => RunAsync(app, resource, FaultCommands.Hang, seconds);

    /// <summary>Kills <paramref name="resource"/> (SIGKILL) and starts it again <paramref name="seconds"/> later.</summary>
    public static Task KillAsync(this DistributedApplication app, string resource, int seconds) => RunAsync(app, resource, FaultCommands.Kill, seconds);

    /// <summary>Stops <paramref name="resource"/> and starts it again <paramref name="seconds"/> later.</summary>
    public static Task StopForAsync(this DistributedApplication app, string resource, int seconds) => RunAsync(app, resource, FaultCommands.StopFor, seconds);

    private static async Task RunAsync(DistributedApplication app, string resource, string command, int seconds)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, command, FaultCommands.Arguments(seconds));
        Assert.True(result.Success, $"{command} on {resource}: {result.Message}");
    }
}
