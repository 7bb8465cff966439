using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Flushes and shuts the OpenTelemetry providers down once the host has stopped, all three at
/// once and within <see cref="Limit"/>. Left to the container's disposal, each provider waits up to
/// 5 s for its exporter, one after the other: with the OTLP endpoint gone (the dashboard stopping
/// first, a collector down) a service took 6–15 s to exit on SIGTERM, retrying exports nobody would
/// receive, and held its database connections, so Postgres' own stop waited too.
/// </summary>
internal sealed partial class TelemetryShutdown(IServiceProvider services, ILogger<TelemetryShutdown> logger) : IHostedLifecycleService
{
    /// <summary>The longest a stopping service waits for its last telemetry to be exported.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var milliseconds = (int)Limit.TotalMilliseconds;
        Func<bool>[] shutdowns =
        [
            () => services.GetService<TracerProvider>()?.Shutdown(milliseconds) ?? true,
            () => services.GetService<MeterProvider>()?.Shutdown(milliseconds) ?? true,
            () => services.GetService<LoggerProvider>()?.Shutdown(milliseconds) ?? true,
        ];

        // Shutdown blocks its thread until the exporter is done or the limit passes; an export
        // still running after it is on a background thread, which does not hold the process.
        var flushed = await Task.WhenAll(shutdowns.Select(Task.Run));
        if (flushed.Contains(false))
        {
            var limit = Limit;
            LogNotFlushed(limit);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Telemetry was not all exported within {Limit} of the stop; the rest is dropped (is the OTLP endpoint up?)")]
    private partial void LogNotFlushed(TimeSpan limit);
}
