using System.Globalization;
using Microsoft.Extensions.Configuration;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Contracts;
using ScaleFast.Hosting.Local;
using ScaleFast.Settings;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// Adds ScaleFast's services over its servers: the API instances, the workers and the gateway. Every
/// instance is its own resource (not <c>WithReplicas</c>), so that the gateway balances over real
/// addresses and Prometheus scrapes each one. Which resource type a service is (its built program,
/// <c>dotnet run</c>, or a project when publishing) is the launcher's choice, hidden behind this class.
/// </summary>
internal abstract class ScaleFastServices
{
    private readonly List<(string Kind, IResourceBuilder<IResourceWithEndpoints> Service)> _all = [];

    /// <summary>Every instance added so far, with its kind (<c>api</c>, <c>worker</c>, <c>gateway</c>).</summary>
    public IReadOnlyList<(string Kind, IResourceBuilder<IResourceWithEndpoints> Service)> All => _all;

    /// <summary>The services as the knobs and the way the AppHost runs choose (<see cref="ServiceLaunch"/>).</summary>
    public static ScaleFastServices For(IDistributedApplicationBuilder builder, ScaleFastModel model, ScaleFastInfrastructure servers) =>
        ProgramLauncher.IsChosen(builder, model.Options)
            ? new Launched<ExecutableResource>(builder, model, servers, new ProgramLauncher())
            : new Launched<ProjectResource>(builder, model, servers, new ProjectLauncher());

    /// <summary>The API's admin key, a generated secret: catalog writes need it, the limiter counts its holder as one client.</summary>
    public abstract IResourceBuilder<ParameterResource> AddAdminKey();

    /// <summary><c>api-0</c> … <c>api-{N-1}</c>, each on its share of the database pool and on Redis.</summary>
    public abstract IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddApiReplicas(IResourceBuilder<ParameterResource> adminKey);

    /// <summary><c>worker-0</c> … <c>worker-{M-1}</c>, started once <paramref name="schemaOwner"/> has migrated the schema.</summary>
    public abstract IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddWorkers(IResourceBuilder<IResourceWithEndpoints> schemaOwner);

    /// <summary>The gateway, the one external endpoint, over every API instance.</summary>
    public abstract IResourceBuilder<IResourceWithEndpoints> AddGateway(
        IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> apis, IResourceBuilder<ParameterResource> adminKey);

    private protected T Added<T>(string kind, T service) where T : IResourceBuilder<IResourceWithEndpoints>
    {
        _all.Add((kind, service));
        return service;
    }

    private sealed class Launched<T>(
        IDistributedApplicationBuilder builder, ScaleFastModel model, ScaleFastInfrastructure servers, ServiceLauncher<T> launcher) : ScaleFastServices
        where T : class, IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        public override IResourceBuilder<ParameterResource> AddAdminKey() =>
            builder.AddParameter("api-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

        public override IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddApiReplicas(IResourceBuilder<ParameterResource> adminKey) =>
            [.. Enumerable.Range(0, model.Options.ApiReplicas).Select(i => Added("api", launcher.Add<Projects.ScaleFast_Api>(builder, ResourceNames.Api(i))
                .AsScaleFastService(builder, model.Options)
                .WithUrlForEndpoint("http", _ => new() { Url = "/scalar", DisplayText = "API reference" })
                .WithPooledDatabase(servers.Database, model.PoolBudget)
                .WithReference(servers.Redis).WaitFor(servers.Redis)
                .WithEnvironment("ApiKeys__AdminKeys__0", adminKey)
                .WithConfigurationSections(builder.Configuration, ServiceSettings.ApiSections)))];

        public override IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> AddWorkers(IResourceBuilder<IResourceWithEndpoints> schemaOwner) =>
            [.. Enumerable.Range(0, model.Options.WorkerReplicas).Select(i => Added("worker", launcher.Add<Projects.ScaleFast_Worker>(builder, ResourceNames.Worker(i))
                .AsScaleFastService(builder, model.Options)
                .WithPooledDatabase(servers.Database, model.PoolBudget)
                // The API owns the schema: an instance is ready once its migrations ran, and the
                // workers' outbox relay and consumers need those tables from their first moment.
                .WaitFor(schemaOwner)
                .WithReference(servers.RabbitMQ).WaitFor(servers.RabbitMQ)
                .WithReference(servers.Mail).WaitFor(servers.Mail)
                .WithConfigurationSections(builder.Configuration, ServiceSettings.WorkerSections)))];

        public override IResourceBuilder<IResourceWithEndpoints> AddGateway(
            IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> apis, IResourceBuilder<ParameterResource> adminKey)
        {
            var gateway = launcher.Add<Projects.ScaleFast_Gateway>(builder, ResourceNames.Gateway)
                .AsScaleFastService(builder, model.Options, port: model.Options.GatewayPort)
                // Its http endpoint only: health and metrics stay internal, as on every service.
                .WithEndpoint("http", endpoint => endpoint.IsExternal = true);
            if (gateway is IResourceBuilder<ProjectResource> published)
            {
                // The gateway is the edge: it believes X-Forwarded-For only from Gateway:TrustedProxies.
                // Aspire's default for a published project (ASPNETCORE_FORWARDEDHEADERS_ENABLED) would
                // believe it from anyone, and a client could pick its own address past the limiter.
                published.DisableForwardedHeaders();
            }

            gateway.WithReference(servers.Redis).WaitFor(servers.Redis)
                .WithConfigurationSections(builder.Configuration, ServiceSettings.GatewaySections)
                // The admin key's holder is one client for the limiter, beside any key the configuration lists.
                .WithEnvironment(
                    ConfigurationForwarding.NextListItemVariable(builder.Configuration, ConfigurationPath.Combine(RateLimitingOptions.SectionName, nameof(RateLimitingOptions.KnownApiKeys))),
                    adminKey);
            foreach (var api in apis)
            {
                // The gateway starts once the API instances are ready, so that its first probes find
                // them ready; from then on, taking instances in and out is the balancer's job. Each
                // instance is its own destination, probed on its management endpoint.
                var destination = $"ReverseProxy__Clusters__api__Destinations__{api.Resource.Name}";
                gateway.WaitFor(api)
                    .WithReferenceRelationship(api)
                    .WithEnvironment($"{destination}__Address", api.GetEndpoint("http"))
                    .WithEnvironment($"{destination}__Health", api.GetEndpoint(ServiceEndpoints.ManagementEndpointName));
            }

            return Added(ResourceNames.Gateway, gateway);
        }
    }
}

/// <summary>What every ScaleFast service gets from the AppHost, whatever its resource type.</summary>
internal static class ScaleFastServiceExtensions
{
    /// <summary>
    /// The database's connection string with this instance's share of the pool budget, under the
    /// usual connection name, so that <c>AddNpgsqlDataSource("scalefast")</c> pools as computed; its
    /// sessions carry the instance's name (<c>pg_stat_activity.application_name</c>).
    /// </summary>
    public static IResourceBuilder<T> WithPooledDatabase<T>(
        this IResourceBuilder<T> service, IResourceBuilder<IResourceWithConnectionString> database, DatabasePoolBudget budget)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        service.WithEnvironment(
                $"ConnectionStrings__{database.Resource.Name}",
                ReferenceExpression.Create($"{database.Resource.ConnectionStringExpression};{budget.ConnectionStringSettings};Application Name={service.Resource.Name}"))
            .WithReferenceRelationship(database)
            .WaitFor(database);

    /// <summary>Its two endpoints (traffic and management), its name, telemetry settings and readiness check.</summary>
    public static IResourceBuilder<T> AsScaleFastService<T>(
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
