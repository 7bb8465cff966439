using MassTransit;
using ScaleFast.Worker.Ping;

namespace ScaleFast.Worker.Extensions;

internal static class WorkerServiceExtensions
{
    /// <summary>Connection name given by the AppHost: <c>amqp://user:password@host:port</c>.</summary>
    public const string BrokerConnectionName = "rabbitmq";

    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var brokerAddress = builder.Configuration.GetConnectionString(BrokerConnectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{BrokerConnectionName} is not set: run the worker from the AppHost, or set it to amqp://user:password@host:port.");

        // MassTransit registers its own readiness check: a worker whose bus is down leaves /health/ready.
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConsumer<PingRequestedConsumer>();

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(brokerAddress));
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(MassTransit.Monitoring.InstrumentationOptions.MeterName))
            .WithTracing(tracing => tracing.AddSource(MassTransit.Logging.DiagnosticHeaders.DefaultListenerName));

        return builder;
    }
}
