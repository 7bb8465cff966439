using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;

namespace ScaleFast.AppHost.Lab;

/// <summary>
/// Dashboard commands that break a local resource for a while and restore it, so that what the
/// system does without it can be watched (and measured: <c>bench/faults.sh</c> and the tests run
/// the same commands). Each takes the number of seconds (default 10) and returns once the resource
/// is back, with a message naming where to see the effect.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class FaultCommands
{
    /// <summary>Freezes the process and its children (SIGSTOP), then lets them run (SIGCONT): a hung server.</summary>
    public const string Hang = "scalefast-hang";

    /// <summary>Stops the resource (cleanly), then starts it again.</summary>
    public const string StopFor = "scalefast-stop-for";

    /// <summary>Kills the process and its children (SIGKILL), then starts the resource again: a crash.</summary>
    public const string Kill = "scalefast-kill";

    /// <summary>The commands' one argument: how long the fault lasts.</summary>
    public const string SecondsArgument = "seconds";

    /// <summary>The snapshot property in which DCP reports an executable's (and a project's) process id.</summary>
    private const string ProcessIdProperty = "executable.pid";

    /// <summary>The arguments of a fault that lasts <paramref name="seconds"/>, for a client that runs the commands.</summary>
    public static InteractionInputCollection Arguments(int seconds) => new(
    [
        new InteractionInput { Name = SecondsArgument, InputType = InputType.Number, Value = seconds.ToString(CultureInfo.InvariantCulture) },
    ]);

    private const int DefaultSeconds = 10;
    private const int MaxSeconds = 600;

    internal static IResourceBuilder<T> WithHangCommand<T>(this IResourceBuilder<T> resource, string watch) where T : IResource =>
        resource.WithFaultCommand(Hang, "Hang", "Pause", watch, async (context, pid, seconds) =>
        {
            ProcessTree.Stop(pid);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), context.CancellationToken);
            }
            finally
            {
                ProcessTree.Continue(pid);
            }

            return $"{context.ResourceName} was hung for {seconds} s and runs again.";
        });

    /// <summary>
    /// Stops the resource for a while: as the dashboard's Stop does, or, with <paramref name="interrupt"/>,
    /// by SIGINT to its process (a server whose SIGTERM waits for its clients, as PostgreSQL's does).
    /// </summary>
    internal static IResourceBuilder<T> WithStopForCommand<T>(this IResourceBuilder<T> resource, string watch, bool interrupt = false) where T : IResource =>
        resource.WithFaultCommand(StopFor, "Stop for a while", "Stop", watch, async (context, pid, seconds) =>
        {
            var stopped = interrupt
                ? await ProcessTree.InterruptAsync(pid, TimeSpan.FromSeconds(30))
                : (await context.Services.GetRequiredService<ResourceCommandService>()
                    .ExecuteCommandAsync(context.ResourceName, KnownResourceCommands.StopCommand, context.CancellationToken)).Success;
            if (!stopped)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromSeconds(seconds), CancellationToken.None);
            return await StartAgainAsync(context, $"{context.ResourceName} was stopped for {seconds} s and started again.");
        });

    internal static IResourceBuilder<T> WithKillCommand<T>(this IResourceBuilder<T> resource, string watch) where T : IResource =>
        resource.WithFaultCommand(Kill, "Kill, then restart", "Dismiss", watch, async (context, pid, seconds) =>
        {
            ProcessTree.Kill(pid);
            await Task.Delay(TimeSpan.FromSeconds(seconds), CancellationToken.None);
            return await StartAgainAsync(context, $"{context.ResourceName} was killed (SIGKILL), and started again {seconds} s later.");
        });

    private static async Task<string?> StartAgainAsync(ExecuteCommandContext context, string done)
    {
        var start = await context.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(context.ResourceName, KnownResourceCommands.StartCommand, CancellationToken.None);
        return start.Success ? done : null;
    }

    /// <summary>
    /// One fault command: enabled while the resource runs; <paramref name="fault"/> gets the
    /// resource's process id and the seconds, and returns what happened (null: it could not be
    /// restored, which the dashboard shows as a failure).
    /// </summary>
    private static IResourceBuilder<T> WithFaultCommand<T>(
        this IResourceBuilder<T> resource, string name, string displayName, string icon, string watch,
        Func<ExecuteCommandContext, int, int, Task<string?>> fault) where T : IResource =>
        resource.WithCommand(name, displayName, async context =>
        {
            var seconds = context.Arguments.TryGetByName(SecondsArgument, out var input) && int.TryParse(input.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var given)
                ? given
                : DefaultSeconds;
            if (seconds is < 1 or > MaxSeconds)
            {
                return CommandResults.Failure($"The fault lasts 1 to {MaxSeconds} s, not {input?.Value}.");
            }

            if (ProcessIdOf(context.Services.GetRequiredService<ResourceNotificationService>(), context.ResourceName) is not { } pid)
            {
                return CommandResults.Failure($"{context.ResourceName} has no running process.");
            }

            var done = await fault(context, pid, seconds);
            return done is null
                ? CommandResults.Failure($"{context.ResourceName} could not be restored: start it from the dashboard.")
                : CommandResults.Success($"{done} Watch: {watch}");
        }, new CommandOptions
        {
            Description = $"{displayName}: {watch}",
            IconName = icon,
            Arguments =
            [
                new InteractionInput
                {
                    Name = SecondsArgument,
                    Label = "Seconds",
                    InputType = InputType.Number,
                    Value = DefaultSeconds.ToString(CultureInfo.InvariantCulture),
                    Required = true,
                },
            ],
            UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });

    /// <summary>The process id DCP reports for <paramref name="resourceName"/>'s running process, or null when it has none.</summary>
    public static int? ProcessIdOf(ResourceNotificationService notifications, string resourceName) =>
        notifications.TryGetCurrentState(resourceName, out var resource)
        && resource.Snapshot.Properties.FirstOrDefault(p => p.Name == ProcessIdProperty)?.Value is { } value
        && int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
}
