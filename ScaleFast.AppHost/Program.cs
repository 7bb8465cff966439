using ScaleFast.AppHost;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Lab;
using ScaleFast.AppHost.Monitoring;
using ScaleFast.AppHost.Topology;

// ScaleFast's architecture, top to bottom: servers, API replicas, workers, the gateway in front,
// monitoring, the lab, publishing. Each call leads to one place; docs/ has a page per strategy.
var builder = DistributedApplication.CreateBuilder(args);

try
{
    // The knobs (ScaleFast:* and the services' own sections), validated before anything is added.
    var model = ScaleFastModel.Read(builder);

    // Servers: PostgreSQL with the scalefast database, Redis, RabbitMQ and an SMTP sink, as
    // containers or as local processes (ScaleFast:Infrastructure).
    var servers = builder.AddScaleFastInfrastructure(model.Options);

    // The services: their built programs, dotnet run, or projects when publishing (ScaleFast:ServiceLaunch).
    var services = ScaleFastServices.For(builder, model, servers);
    var adminKey = services.AddAdminKey();

    // api-0 … api-{N-1}: catalog, orders and reports on pooled PostgreSQL, products cached in Redis.
    var apis = services.AddApiReplicas(adminKey);

    // worker-0 … worker-{M-1}: the outbox relay and the consumers over RabbitMQ (emails, reports).
    services.AddWorkers(schemaOwner: apis[0]);

    // The gateway (YARP): per-client rate limits in Redis, then balancing and health checks over every api-i.
    var gateway = services.AddGateway(apis, adminKey);

    // Monitoring: Prometheus scrapes every instance and the broker, with the alert rules; Grafana with containers.
    builder.AddScaleFastPrometheus(model.Options, servers, services.All);

    // The lab: dashboard commands that send traffic and, in local mode, break things.
    services.AddLab(model, servers, gateway, apis);

    // Publishing: Kubernetes objects from this same model (--publisher kubernetes).
    model.Kubernetes?.AddPublishStep(builder, servers, services.All);

    builder.AddStartupReport();
}
catch (ScaleFastSetupException e)
{
    // A setup problem is the user's to fix: say what and how, without a stack trace.
    await Console.Error.WriteLineAsync($"ScaleFast cannot start: {e.Message}");
    return 1;
}

await builder.Build().RunAsync();
return 0;
