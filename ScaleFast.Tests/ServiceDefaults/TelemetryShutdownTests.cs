using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScaleFast.Hosting.Local;

namespace ScaleFast.Tests.ServiceDefaults;

/// <summary>A service stops promptly when its OTLP endpoint is gone (the dashboard stopped first, a collector down).</summary>
[Trait("Tier", "Fast")]
public sealed class TelemetryShutdownTests
{
    /// <summary>
    /// Each provider's own disposal waits up to 5 s for its exporter, which retries a refused
    /// endpoint until its 10 s deadline: 6–15 s in all, one provider after the other.
    /// </summary>
    private static readonly TimeSpan UnboundedStop = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_service_whose_OTLP_endpoint_refuses_stops_within_the_flush_limit()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        // Nothing listens there; the retry setting is the one the AppHost gives every service.
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePorts.Next()}";
        builder.Configuration["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();
        await host.StartAsync();

        // Telemetry still waiting to be exported when the stop comes: a span and a log record.
        using (var source = new ActivitySource(builder.Environment.ApplicationName))
        {
            source.StartActivity("last-request")?.Dispose();
        }

        host.Services.GetRequiredService<ILogger<TelemetryShutdownTests>>().LogWarning("The last line before the stop");

        var stop = Stopwatch.StartNew();
        await host.StopAsync();
        host.Dispose();
        stop.Stop();

        Assert.True(stop.Elapsed < UnboundedStop,
            $"The stop took {stop.Elapsed.TotalSeconds:F1} s; the telemetry flush is bounded at {TelemetryShutdown.Limit.TotalSeconds} s.");
    }
}
