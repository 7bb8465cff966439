using System.Globalization;
using Microsoft.Extensions.Configuration;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Kubernetes;
using ScaleFast.AppHost.Lab;
using ScaleFast.AppHost.Monitoring;
using ScaleFast.Contracts;
using ScaleFast.Hosting.Local;
using ScaleFast.Settings;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// The whole ScaleFast topology: servers, API and worker instances, and the gateway in front.
/// Every API and worker instance is its own resource (not <c>WithReplicas</c>), so that the gateway
/// balances over real addresses and Prometheus scrapes each instance.
/// </summary>
public static class ScaleFastTopologyExtensions
{
    /// <summary>
    /// Adds the ScaleFast topology as configured in the <c>ScaleFast</c> section; the services' own
    /// sections (<see cref="ServiceSettings"/>) are validated and forwarded to the services that own them.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <returns>The servers the services use.</returns>
    /// <exception cref="ScaleFastSetupException">The configuration is invalid or a local binary is missing.</exception>
    public static ScaleFastInfrastructure AddScaleFast(this IDistributedApplicationBuilder builder)
    {
        var options = ScaleFastOptionsReader.Read(builder.Configuration);
        var settings = ServiceSettings.Read(builder.Configuration);
        var kubernetes = KubernetesPublisher.Create(builder, options, settings);
        BenchmarkBuild.RequireFor(settings.Benchmark);
        // API instances and workers all hold a pool: the budget is shared by both. Each worker also
        // keeps one connection outside its pool, listening for outbox notifications.
        var poolBudget = kubernetes?.PoolBudget
            ?? DatabasePoolBudget.For(options, instances: options.ApiReplicas + options.WorkerReplicas, unpooled: options.WorkerReplicas);
        var infrastructure = builder.AddScaleFastInfrastructure(options);
        var fleet = new ServiceFleet(builder, options, settings, infrastructure, poolBudget, kubernetes);
        if (ProgramLauncher.IsChosen(builder, options))
        {
            fleet.AddServices(new ProgramLauncher());
        }
        else
        {
            fleet.AddServices(new ProjectLauncher());
        }

        builder.AddStartupReport();

        return infrastructure;
    }

    /// <summary>The services over the servers, made by a launcher of either resource type.</summary>
    private sealed record ServiceFleet(
        IDistributedApplicationBuilder Builder, ScaleFastOptions Options, ServiceSettings Settings, ScaleFastInfrastructure Infrastructure,
        DatabasePoolBudget PoolBudget, KubernetesPublisher? Kubernetes)
    {
        public void AddServices<T>(ServiceLauncher<T> launcher) where T : class, IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
        {
            var (builder, options, settings, infrastructure, poolBudget, kubernetes) = this;
            var adminKey = builder.AddParameter(
                "api-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

            var apis = Enumerable.Range(0, options.ApiReplicas)
                .Select(i => launcher.Add<Projects.ScaleFast_Api>(builder, ResourceNames.Api(i))
                    .AsScaleFastService(builder, options)
                    .WithUrlForEndpoint("http", _ => new() { Url = "/scalar", DisplayText = "API reference" })
                    .WithPooledDatabase(infrastructure.Database, poolBudget)
                    .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
                    .WithEnvironment("ApiKeys__AdminKeys__0", adminKey)
                    .WithConfigurationSections(builder.Configuration, ServiceSettings.ApiSections))
                .ToList();

            var workers = Enumerable.Range(0, options.WorkerReplicas)
                .Select(i => launcher.Add<Projects.ScaleFast_Worker>(builder, ResourceNames.Worker(i))
                    .AsScaleFastService(builder, options)
                    .WithPooledDatabase(infrastructure.Database, poolBudget)
                    // The API owns the schema: an instance is ready once its migrations ran, and the
                    // workers' outbox relay and consumers need those tables from their first moment.
                    .WaitFor(apis[0])
                    .WithReference(infrastructure.RabbitMQ).WaitFor(infrastructure.RabbitMQ)
                    .WithReference(infrastructure.Mail).WaitFor(infrastructure.Mail)
                    .WithConfigurationSections(builder.Configuration, ServiceSettings.WorkerSections))
                .ToList();

            // The gateway starts once the API instances are ready, so that its first probes find them
            // ready (a start logs no failed probe); from then on, taking instances in and out of the
            // pool as they fail and come back is the balancer's job.
            var gateway = launcher.Add<Projects.ScaleFast_Gateway>(builder, ResourceNames.Gateway)
                .AsScaleFastService(builder, options, port: options.GatewayPort)
                // Its http endpoint only: health and metrics stay internal, as on every service.
                .WithEndpoint("http", endpoint => endpoint.IsExternal = true);
            if (gateway is IResourceBuilder<ProjectResource> published)
            {
                // The gateway is the edge: it believes X-Forwarded-For only from Gateway:TrustedProxies.
                // Aspire's default for a published project (ASPNETCORE_FORWARDEDHEADERS_ENABLED) would
                // believe it from anyone, and a client could pick its own address past the limiter.
                published.DisableForwardedHeaders();
            }

            gateway.WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
                .WithConfigurationSections(builder.Configuration, ServiceSettings.GatewaySections)
                // The admin key's holder is one client for the limiter, beside any key the configuration lists.
                .WithEnvironment(
                    ConfigurationForwarding.NextListItemVariable(builder.Configuration, ConfigurationPath.Combine(RateLimitingOptions.SectionName, nameof(RateLimitingOptions.KnownApiKeys))),
                    adminKey);
            foreach (var api in apis)
            {
                gateway.WaitFor(api);

                // Each instance is its own destination; the health probe goes to its management
                // endpoint, which alone serves /health/ready.
                var destination = $"ReverseProxy__Clusters__api__Destinations__{api.Resource.Name}";
                gateway.WithReferenceRelationship(api)
                    .WithEnvironment($"{destination}__Address", api.GetEndpoint("http"))
                    .WithEnvironment($"{destination}__Health", api.GetEndpoint(ServiceEndpoints.ManagementEndpointName));
            }

            // The lab: commands on the dashboard that drive traffic, and (local mode) break things.
            gateway.WithReadLoadCommand(settings.DemoData).WithBurstCommand(settings.RateLimiting, settings.DemoData);
            foreach (var api in apis)
            {
                api.WithPlaceOrdersCommand(infrastructure.Mail.Resource, settings.DemoData);
            }

            if (infrastructure.Mode == InfrastructureMode.Local && !OperatingSystem.IsWindows())
            {
                foreach (var instance in apis.Concat(workers))
                {
                    instance.WithInstanceFaults();
                }
            }

            IReadOnlyList<(string Kind, IResourceBuilder<IResourceWithEndpoints> Service)> services =
            [
                .. apis.Select(api => ("api", api)),
                .. workers.Select(worker => ("worker", worker)),
                ("gateway", gateway),
            ];
            builder.AddScaleFastPrometheus(options, infrastructure, services);
            kubernetes?.AddPublishStep(builder, infrastructure, services);
        }
    }

    /// <summary>
    /// The database's connection string with this instance's share of the pool budget, under the
    /// usual connection name, so that <c>AddNpgsqlDataSource("scalefast")</c> pools as computed; its
    /// sessions carry the instance's name (<c>pg_stat_activity.application_name</c>).
    /// </summary>
    private static IResourceBuilder<T> WithPooledDatabase<T>(
        this IResourceBuilder<T> service, IResourceBuilder<IResourceWithConnectionString> database, DatabasePoolBudget budget)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        service.WithEnvironment(
                $"ConnectionStrings__{database.Resource.Name}",
                ReferenceExpression.Create($"{database.Resource.ConnectionStringExpression};{budget.ConnectionStringSettings};Application Name={service.Resource.Name}"))
            .WithReferenceRelationship(database)
            .WaitFor(database);

    private static IResourceBuilder<T> AsScaleFastService<T>(
        this IResourceBuilder<T> service, IDistributedApplicationBuilder builder, ScaleFastOptions options, int? port = null)
        where T : IResourceWithEnvironment, IResourceWithEndpoints
    {
        if (builder.ExecutionContext.IsRunMode && !OperatingSystem.IsWindows())
        {
            // Straight to the process, not through a DCP proxy: the gateway and Prometheus reach
            // each instance without an extra hop on the same cores, and a stopped instance
            // refuses connections at once.
            service.WithProxylessHttpEndpoint(port)
                .WithProxylessHttpEndpoint(name: ServiceEndpoints.ManagementEndpointName);
        }
        else
        {
            service.WithHttpEndpoint(port: port)
                .WithHttpEndpoint(name: ServiceEndpoints.ManagementEndpointName);
        }

        service.WithEnvironment("ScaleFast__Instance", service.Resource.Name)
            .WithEnvironment("ScaleFast__MetricsEnabled", options.Metrics.ToString())
            .WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
            .WithEnvironment("OTEL_TRACES_SAMPLER_ARG", options.TraceSampling.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("ScaleFast__ManagementPort", service.GetEndpoint(ServiceEndpoints.ManagementEndpointName).Property(EndpointProperty.TargetPort))
            // The services read connection strings only (not REDIS_HOST, RABBITMQ_PASSWORD, …).
            .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
            .WithHttpHealthCheck(ServiceEndpoints.ReadinessPath, endpointName: ServiceEndpoints.ManagementEndpointName);

        if (builder.ExecutionContext.IsRunMode)
        {
            service.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
        }

        return service;
    }
}
