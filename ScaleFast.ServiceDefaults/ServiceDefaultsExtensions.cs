using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ScaleFast.Contracts;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every ScaleFast service shares: OpenTelemetry to the Aspire dashboard, service discovery,
/// HttpClient resilience and the two health endpoints the gateway and the AppHost probe.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Configuration key that turns metrics off (<c>false</c>): no meters listened to, no <c>/metrics</c>.
    /// Only for measuring what metrics cost; the AppHost sets it from <c>ScaleFast:Metrics</c>.
    /// </summary>
    public const string MetricsEnabledKey = "ScaleFast:MetricsEnabled";

    /// <summary>The meters ScaleFast's own code creates are all named <c>ScaleFast.*</c>.</summary>
    public const string ScaleFastMeters = "ScaleFast.*";

    /// <summary>
    /// Configuration key of the port that serves health and metrics; when unset (a service run on
    /// its own), they are served on every port.
    /// </summary>
    public const string ManagementPortKey = "ScaleFast:ManagementPort";

    /// <summary>The longest a readiness check may take before it counts as failed.</summary>
    public static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Tag of the health checks that only say the process is alive.</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Adds OpenTelemetry, default health checks, service discovery and resilient HttpClients.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Sends logs, metrics and traces over OTLP when the AppHost gives an endpoint.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var openTelemetry = builder.Services.AddOpenTelemetry();
        if (builder.Configuration.GetValue(MetricsEnabledKey, defaultValue: true))
        {
            openTelemetry.WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // Every ScaleFast meter: ScaleFast.Http here, ScaleFast.Cache in the Api, and those to come.
                .AddMeter(ScaleFastMeters)
                // No response cache (default 300 ms): each scrape reads the counters as they are now.
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        openTelemetry.WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes and scrapes every few seconds would drown the traces that matter.
                    options.Filter = context => !context.Request.Path.StartsWithSegments(ServiceEndpoints.HealthPathPrefix) && !context.Request.Path.StartsWithSegments(ServiceEndpoints.MetricsPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        builder.Services.AddHostedService<TelemetryShutdown>();

        return builder;
    }

    /// <summary>
    /// Adds the liveness check. Each service adds its own readiness checks (database, cache, broker).
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        // A failing check answers the probe with 503, and the dashboard shows the resource's
        // health; an Error logged for every probe (every 2 s, by the gateway and the AppHost) would
        // flood the logs during an outage, and make every start, before the dependencies answer,
        // look broken. What fails for a request is logged where it fails.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);

        // A dependency that hangs (a database that accepts but never answers) makes its check fail
        // after this long instead of holding /health/ready open: the probe gets a 503, not a timeout.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Timeout == Timeout.InfiniteTimeSpan))
            {
                registration.Timeout = HealthCheckTimeout;
            }
        });

        return builder;
    }

    /// <summary>
    /// Maps <c>/health/live</c> (the process is up) and <c>/health/ready</c> (every registered check
    /// passes) in every environment: the gateway and the AppHost probe them in production too; and
    /// <c>/metrics</c>, which Prometheus scrapes; all three only on the management port when one is
    /// configured. Call it before mapping the service's own endpoints: it also measures request body sizes.
    /// </summary>
    /// <param name="app">The web application.</param>
    /// <returns>The same application, for chaining.</returns>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        if (app.Configuration.GetValue<int?>(ManagementPortKey) is { } managementPort)
        {
            app.UseMiddleware<ManagementPortMiddleware>(managementPort);
        }

        if (app.Configuration.GetValue(MetricsEnabledKey, defaultValue: true))
        {
            app.UseMiddleware<RequestBodySizeMiddleware>();
            app.MapPrometheusScrapingEndpoint(ServiceEndpoints.MetricsPath);
        }

        app.MapHealthChecks(ServiceEndpoints.LivenessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
        });
        app.MapHealthChecks(ServiceEndpoints.ReadinessPath);

        return app;
    }
}
