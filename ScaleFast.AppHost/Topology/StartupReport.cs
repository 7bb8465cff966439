using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// Logs once every resource is healthy, with the time since the AppHost process started and where
/// the gateway listens: the line a user waits for, and the figure the start-up benchmark reads.
/// </summary>
internal static partial class StartupReport
{
    public static void AddStartupReport(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, ct) =>
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

    private static async Task ReportWhenHealthyAsync(
        DistributedApplicationModel model, ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        var resources = model.Resources
            .Where(r => r is not ParameterResource && r.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _))
            .ToList();
        try
        {
            await Task.WhenAll(resources.Select(r => notifications.WaitForResourceHealthyAsync(r.Name, stopping)));
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var gateway = model.Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(r => r.Name == Infrastructure.ResourceNames.Gateway);
        var gatewayUrl = gateway?.GetEndpoint("http") is { IsAllocated: true } endpoint ? endpoint.Url : "(not allocated)";
        LogAllHealthy(logger, resources.Count, elapsed.TotalSeconds, gatewayUrl);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} resources are healthy, {Seconds:0.0} s after the AppHost started. Gateway: {GatewayUrl}")]
    private static partial void LogAllHealthy(ILogger logger, int count, double seconds, string gatewayUrl);
}
