using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// Logs once every resource is healthy, with the time since the AppHost process started and where
/// the gateway listens (the line a user waits for, and the figure the start-up benchmark reads),
/// then the start-up's timeline: when each resource started running and became healthy, which
/// shows the critical path.
/// </summary>
internal static partial class StartupReport
{
    public static void AddStartupReport(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            var services = e.Services;
            _ = ReportWhenHealthyAsync(
                e.Model,
                services.GetRequiredService<ResourceNotificationService>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("ScaleFast.AppHost"),
                services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping);
            return Task.CompletedTask;
        });
    }

    private sealed class Milestones
    {
        public TimeSpan? Running { get; set; }

        public TimeSpan? Healthy { get; set; }
    }

    private static async Task ReportWhenHealthyAsync(
        DistributedApplicationModel model, ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        var resources = model.Resources
            .Where(r => r is not ParameterResource && r.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _))
            .ToList();
        var processStart = Process.GetCurrentProcess().StartTime;
        var timeline = new ConcurrentDictionary<string, Milestones>();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watcher = WatchAsync(notifications, processStart, timeline, watching.Token);
        try
        {
            await Task.WhenAll(resources.Select(r => notifications.WaitForResourceHealthyAsync(r.Name, stopping)));
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var elapsed = DateTime.Now - processStart;
        await watching.CancelAsync();
        await watcher;

        var gateway = model.Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(r => r.Name == Infrastructure.ResourceNames.Gateway);
        var gatewayUrl = gateway?.GetEndpoint("http") is { IsAllocated: true } endpoint ? endpoint.Url : "(not allocated)";
        LogAllHealthy(logger, resources.Count, elapsed.TotalSeconds, gatewayUrl);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var rendered = Render(resources.Select(r => r.Name), timeline);
        LogTimeline(logger, rendered);
    }

    /// <summary>Notes when each resource is first seen running and first seen healthy.</summary>
    private static async Task WatchAsync(
        ResourceNotificationService notifications, DateTime processStart, ConcurrentDictionary<string, Milestones> timeline, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                var milestones = timeline.GetOrAdd(update.Resource.Name, _ => new Milestones());
                var now = DateTime.Now - processStart;
                if (update.Snapshot.State?.Text == KnownResourceStates.Running)
                {
                    milestones.Running ??= now;
                }

                if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                {
                    milestones.Healthy ??= now;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The report is written.
        }
    }

    private static string Render(IEnumerable<string> names, ConcurrentDictionary<string, Milestones> timeline)
    {
        var text = new StringBuilder();
        foreach (var (name, milestones) in names.Select(n => (n, timeline.GetValueOrDefault(n) ?? new Milestones())).OrderBy(r => r.Item2.Healthy))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {name,-16} running {Seconds(milestones.Running),6}  healthy {Seconds(milestones.Healthy),6}");
        }

        return text.ToString();
    }

    private static string Seconds(TimeSpan? at) => at is { } value ? value.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture) : "-";

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} resources are healthy, {Seconds:0.0} s after the AppHost started. Gateway: {GatewayUrl}")]
    private static partial void LogAllHealthy(ILogger logger, int count, double seconds, string gatewayUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Start-up timeline (since the AppHost process started):{Timeline}")]
    private static partial void LogTimeline(ILogger logger, string timeline);
}
