using MassTransit;
using Microsoft.Extensions.Options;
using ScaleFast.Contracts;
using ScaleFast.Settings;
using ScaleFast.Worker.Email;
using ScaleFast.Worker.Inbox;
using ScaleFast.Worker.Maintenance;
using ScaleFast.Worker.Outbox;
using ScaleFast.Worker.Reports;

namespace ScaleFast.Worker.Extensions;

internal static class WorkerServiceExtensions
{
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<MailOptions>().BindConfiguration(MailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        var brokerAddress = builder.Configuration.GetConnectionString(WorkerConnectionNames.Broker)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{WorkerConnectionNames.Broker} is not set: run the worker from the AppHost, or set it to amqp://user:password@host:port.");
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(WorkerConnectionNames.Database)))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{WorkerConnectionNames.Database} is not set: run the worker from the AppHost, or set it to a Postgres connection string.");
        }

        // Adds the database to /health/ready and the Npgsql pool meter.
        builder.AddNpgsqlDataSource(WorkerConnectionNames.Database);
        // Parsed now, so that a bad connection string stops the start; made by the container, so that
        // the container disposes it (and the SMTP connections it keeps open) at shutdown.
        var smtpServer = SmtpServer.Parse(builder.Configuration.GetConnectionString(WorkerConnectionNames.Mail));
        builder.Services.AddSingleton(_ => new SmtpMailer(smtpServer));

        builder.Services.AddSingleton<InboxMetrics>();
        builder.Services.AddSingleton<Inbox.Inbox>();
        builder.Services.AddSingleton<OutboxMetrics>();
        builder.Services.AddSingleton<OutboxSignal>();

        // MassTransit registers its own readiness check: a worker whose bus is down leaves /health/ready.
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            // Queue names are a contract (the Kubernetes publisher scales workers on their length).
            bus.AddConsumer<OrderConfirmationConsumer>().Endpoint(endpoint => endpoint.Name = WorkerQueues.OrderConfirmation);
            bus.AddConsumer<ReportConsumer>().Endpoint(endpoint => endpoint.Name = WorkerQueues.Report);
            bus.AddConsumer<ReportFaultConsumer>().Endpoint(endpoint => endpoint.Name = WorkerQueues.ReportFault);
            bus.AddBenchmarkConsumers(builder);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                var messaging = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                rabbit.Host(new Uri(brokerAddress));
                rabbit.PrefetchCount = messaging.PrefetchCount;
                rabbit.ConcurrentMessageLimit = messaging.ConcurrencyLimit;
                if (messaging.RetryIntervals.Length > 0)
                {
                    rabbit.UseMessageRetry(retry => retry.Intervals(messaging.RetryIntervals));
                }

                rabbit.ConfigureEndpoints(context);
            });
        });

        // After the bus, so that the relay starts once the bus is starting.
        builder.Services.AddHostedService<OutboxListener>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<OutboxBacklogSampler>();
        builder.Services.AddHostedService<RetentionJob>();

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(MassTransit.Monitoring.InstrumentationOptions.MeterName))
            .WithTracing(tracing => tracing.AddSource(MassTransit.Logging.DiagnosticHeaders.DefaultListenerName));

        return builder;
    }
}
