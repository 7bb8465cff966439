// The pipeline API is marked experimental; it is how Aspire 13 publishes.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Aspire.Hosting.Pipelines;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Topology;

namespace ScaleFast.AppHost.Kubernetes;

/// <summary>
/// <c>dotnet run --project ScaleFast.AppHost -- --publisher kubernetes --output-path out/k8s</c>: writes
/// the app model as Kubernetes objects and a kustomization (<c>kubectl apply -k out/k8s</c>), from the
/// same model and knobs the AppHost runs locally.
/// </summary>
internal sealed partial class KubernetesPublisher
{
    /// <summary>The value of <c>--publisher</c> that selects this publisher.</summary>
    public const string PublisherName = "kubernetes";

    /// <summary>The pipeline step that writes the objects.</summary>
    public const string StepName = "publish-kubernetes";

    /// <summary>The file the user writes the Secret's values in, beside the kustomization; never generated.</summary>
    public const string SecretsFileName = "secrets.env";

    private readonly ScaleFastOptions _options;
    private readonly ServiceSettings _settings;
    private readonly KubernetesOptions _kubernetes;

    private KubernetesPublisher(ScaleFastOptions options, ServiceSettings settings, KubernetesOptions kubernetes, DatabasePoolBudget poolBudget)
    {
        _options = options;
        _settings = settings;
        _kubernetes = kubernetes;
        PoolBudget = poolBudget;
    }

    /// <summary>The pools, sized for the autoscalers' maximum replicas rather than the local instance counts.</summary>
    public DatabasePoolBudget PoolBudget { get; }

    /// <summary>The publisher when the AppHost publishes for Kubernetes, otherwise null.</summary>
    /// <exception cref="ScaleFastSetupException">A knob is invalid, or the pools could not fit at the maximum replicas.</exception>
    public static KubernetesPublisher? Create(IDistributedApplicationBuilder builder, ScaleFastOptions options, ServiceSettings settings)
    {
        if (!builder.ExecutionContext.IsPublishMode || !string.Equals(builder.ExecutionContext.PublisherName, PublisherName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var kubernetes = ScaleFastOptionsReader.Read<KubernetesOptions>(builder.Configuration, KubernetesOptions.SectionName);
        Check(options, kubernetes);

        // `--publisher kubernetes` alone runs this step only, as `--publisher manifest` runs the manifest's.
        if (string.IsNullOrEmpty(builder.Configuration["Pipeline:Step"]))
        {
            builder.Configuration["Pipeline:Step"] = StepName;
        }

        DatabasePoolBudget budget;
        try
        {
            budget = DatabasePoolBudget.For(options, kubernetes.Api.MaxReplicas + kubernetes.Worker.MaxReplicas, unpooled: kubernetes.Worker.MaxReplicas);
        }
        catch (ScaleFastSetupException e)
        {
            throw new ScaleFastSetupException(
                "On Kubernetes the connection pools are sized for the autoscalers' maximum replicas " +
                $"(ScaleFast:Kubernetes:Api:MaxReplicas = {kubernetes.Api.MaxReplicas}, ScaleFast:Kubernetes:Worker:MaxReplicas = {kubernetes.Worker.MaxReplicas}), " +
                $"so that a scale-out cannot exceed Postgres' max_connections. {e.Message}", e);
        }

        return new KubernetesPublisher(options, settings, kubernetes, budget);
    }

    /// <summary>Adds the pipeline step that writes the objects for these services and servers.</summary>
    public void AddPublishStep(
        IDistributedApplicationBuilder builder, ScaleFastInfrastructure infrastructure, IReadOnlyList<(string Kind, IResourceBuilder<IResourceWithEndpoints> Service)> services)
    {
        var kinds = services.GroupBy(s => s.Kind, s => s.Service.Resource)
            .Select(g => g.Key switch
            {
                ResourceNames.Gateway => new ServiceKind(g.Key, [.. g], _kubernetes.GatewayReplicas, _kubernetes.Gateway.MaxReplicas, _kubernetes.Gateway),
                "worker" => new ServiceKind(g.Key, [.. g], _options.WorkerReplicas, _kubernetes.Worker.MaxReplicas, _kubernetes.Worker),
                _ => new ServiceKind(g.Key, [.. g], _options.ApiReplicas, _kubernetes.Api.MaxReplicas, _kubernetes.Api),
            })
            .ToList();
        IResource[] servers =
        [
            ((IResourceWithParent)infrastructure.Database.Resource).Parent, infrastructure.Redis.Resource, infrastructure.RabbitMQ.Resource, infrastructure.Mail.Resource,
        ];
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));

        builder.Pipeline.AddStep(new PipelineStep
        {
            Name = StepName,
            Description = "Writes the app model as Kubernetes objects and a kustomization.",
            Action = async context =>
            {
                var layout = new ClusterLayout(_kubernetes, kinds);
                var objects = await BuildAsync(layout, servers, repositoryRoot, context.ExecutionContext, context.CancellationToken);
                var directory = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
                await WriteAsync(directory, objects, layout, context.CancellationToken);
                LogWritten(context.Logger, objects.Count, directory);
            },
        });
    }

    private async Task<List<object>> BuildAsync(
        ClusterLayout layout, IEnumerable<IResource> servers, string repositoryRoot, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var workloads = new Workloads(layout, _options, executionContext);
        var autoscalers = new Autoscalers(layout, _settings);
        List<object> objects =
        [
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = _kubernetes.Namespace } },
        ];

        foreach (var kind in layout.Kinds)
        {
            objects.AddRange(await workloads.ServiceAsync(kind, cancellationToken));
            if (kind.Name == "worker")
            {
                objects.AddRange(autoscalers.OnQueueLength(kind));
            }
            else
            {
                objects.Add(autoscalers.OnCpu(kind));
            }
        }

        foreach (var server in servers.Where(s => !layout.IsManaged(s)).Cast<ContainerResource>())
        {
            objects.AddRange(await workloads.ServerAsync(server, cancellationToken));
        }

        objects.AddRange(new Monitoring(layout, _options, repositoryRoot).Objects());
        return objects;
    }

    /// <summary>One file per object, the kustomization listing them, and the list of the Secret's keys (without values).</summary>
    private async Task WriteAsync(string directory, List<object> objects, ClusterLayout layout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.GetFiles(directory, "*.yaml"))
        {
            File.Delete(stale);
        }

        var files = new List<string>();
        foreach (var item in objects)
        {
            var (kind, name) = KindAndName(item);
            var file = $"{kind.ToLowerInvariant()}-{name}.yaml";
            files.Add(file);
            await File.WriteAllTextAsync(Path.Combine(directory, file), KubernetesYaml.Serialize(item) + Environment.NewLine, cancellationToken);
        }

        var kustomization = new Kustomization(
            _kubernetes.Namespace, files, [new SecretGenerator(ClusterLayout.SecretName, [SecretsFileName])], new GeneratorOptions(DisableNameSuffixHash: true));
        await File.WriteAllTextAsync(Path.Combine(directory, "kustomization.yaml"), KubernetesYaml.Serialize(kustomization) + Environment.NewLine, cancellationToken);

        var example = new StringBuilder()
            .AppendLine($"# The keys of the '{ClusterLayout.SecretName}' Secret. Copy to {SecretsFileName} and give each a value (README: Deploy to Kubernetes).")
            .AppendLine($"# Generated passwords must be URI-safe (hex is): some are also written into connection URIs.");
        foreach (var (key, meaning) in layout.SecretKeys)
        {
            example.AppendLine($"# {meaning}").AppendLine($"{key}=");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, SecretsFileName + ".example"), example.ToString(), cancellationToken);
    }

    private static (string Kind, string Name) KindAndName(object item) => item switch
    {
        IKubernetesObject<V1ObjectMeta> typed => (typed.Kind, typed.Metadata.Name),
        ScaledObject o => (o.Kind, o.Metadata.Name),
        TriggerAuthentication o => (o.Kind, o.Metadata.Name),
        ServiceMonitor o => (o.Kind, o.Metadata.Name),
        PrometheusRule o => (o.Kind, o.Metadata.Name),
        _ => throw new InvalidOperationException($"No kind and name for {item.GetType().Name}."),
    };

    private static void Check(ScaleFastOptions options, KubernetesOptions kubernetes)
    {
        var problems = new List<string>();
        void Floor(int floor, string floorKey, int max, string maxKey)
        {
            if (max < floor)
            {
                problems.Add($"{maxKey} = {max} is below {floorKey} = {floor}");
            }
        }

        Floor(options.ApiReplicas, "ScaleFast:ApiReplicas", kubernetes.Api.MaxReplicas, "ScaleFast:Kubernetes:Api:MaxReplicas");
        Floor(options.WorkerReplicas, "ScaleFast:WorkerReplicas", kubernetes.Worker.MaxReplicas, "ScaleFast:Kubernetes:Worker:MaxReplicas");
        Floor(kubernetes.GatewayReplicas, "ScaleFast:Kubernetes:GatewayReplicas", kubernetes.Gateway.MaxReplicas, "ScaleFast:Kubernetes:Gateway:MaxReplicas");

        foreach (var (name, pods) in new[] { ("Api", kubernetes.Api), ("Worker", kubernetes.Worker), ("Gateway", kubernetes.Gateway) })
        {
            foreach (var (setting, quantity) in new[] { ("CpuRequest", pods.CpuRequest), ("CpuLimit", pods.CpuLimit), ("MemoryRequest", pods.MemoryRequest), ("MemoryLimit", pods.MemoryLimit) })
            {
                if (!IsQuantity(quantity))
                {
                    problems.Add($"ScaleFast:Kubernetes:{name}:{setting}: '{quantity}' is not a Kubernetes quantity (e.g. 250m, 1, 512Mi)");
                }
            }
        }

        if (!IsQuantity(kubernetes.VolumeSize))
        {
            problems.Add($"ScaleFast:Kubernetes:VolumeSize: '{kubernetes.VolumeSize}' is not a Kubernetes quantity (e.g. 5Gi)");
        }

        if (problems.Count > 0)
        {
            throw new ScaleFastSetupException($"Invalid ScaleFast configuration: {string.Join("; ", problems)}.");
        }
    }

    private static bool IsQuantity(string value)
    {
        try
        {
            _ = new ResourceQuantity(value).ToDecimal();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} Kubernetes objects and their kustomization to {Directory}.")]
    private static partial void LogWritten(ILogger logger, int count, string directory);
}
