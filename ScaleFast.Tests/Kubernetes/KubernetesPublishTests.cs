using System.Text.Json.Nodes;
using ScaleFast.AppHost;
using ScaleFast.AppHost.Topology;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Kubernetes;

/// <summary>
/// <c>--publisher kubernetes</c>: the output installs (kustomize builds it), every object passes the
/// Kubernetes, KEDA and prometheus-operator schemas, and the knobs reach it.
/// </summary>
public sealed class KubernetesPublishTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private static readonly string Validator = Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", "eng", "k8s-validate", "validate.mjs"));

    [Fact]
    public async Task Every_object_kustomize_builds_passes_its_schema()
    {
        var result = await Command.RunAsync("node", [Validator, published.Built]);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        // Every generated file, and the Secret kustomize makes from secrets.env.
        Assert.EndsWith($"{published.Files.Count + 1} valid, 0 invalid", result.StandardOutput.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_validator_refuses_an_invalid_object_and_an_unknown_kind()
    {
        var file = Path.Combine(published.OutputDirectory, "..", "invalid.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n---\napiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\n");

        var result = await Command.RunAsync("node", [Validator, file]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("0 valid, 2 invalid", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_service_kind_is_one_Deployment_with_the_replica_knobs_and_probes_on_the_management_port()
    {
        Assert.Equal("4", Spec("deployment-api.yaml")["replicas"]!.ToString());
        Assert.Equal("3", Spec("deployment-worker.yaml")["replicas"]!.ToString());
        Assert.DoesNotContain(published.Files, f => f.Contains("api-1", StringComparison.Ordinal) || f.Contains("worker-1", StringComparison.Ordinal));

        foreach (var kind in new[] { "api", "worker", "gateway" })
        {
            var container = Container($"deployment-{kind}.yaml");
            Assert.Equal("/health/live", container["livenessProbe"]!["httpGet"]!["path"]!.ToString());
            Assert.Equal("/health/ready", container["readinessProbe"]!["httpGet"]!["path"]!.ToString());
            Assert.Equal("8081", container["readinessProbe"]!["httpGet"]!["port"]!.ToString());
            Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
        }
    }

    [Fact]
    public void Autoscalers_scale_api_and_gateway_on_cpu_and_workers_on_queue_length_between_the_knobs()
    {
        var api = Spec("horizontalpodautoscaler-api.yaml");
        Assert.Equal(("4", "6"), (api["minReplicas"]!.ToString(), api["maxReplicas"]!.ToString()));
        Assert.Equal("60", api["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]!.ToString());
        Assert.Equal("Deployment", api["scaleTargetRef"]!["kind"]!.ToString());
        Assert.Equal("cpu", Spec("horizontalpodautoscaler-gateway.yaml")["metrics"]![0]!["resource"]!["name"]!.ToString());

        var workers = Spec("scaledobject-worker.yaml");
        Assert.Equal(("3", "4"), (workers["minReplicaCount"]!.ToString(), workers["maxReplicaCount"]!.ToString()));
        // Per replica, as many ready messages as one worker prefetches.
        Assert.All(workers["triggers"]!.AsArray(), t => Assert.Equal("24", t!["metadata"]!["value"]!.ToString()));
    }

    [Fact]
    public void Limits_balancing_rate_limits_and_the_pool_for_the_maximum_replicas_reach_the_pods()
    {
        Assert.Equal("1500m", Container("deployment-api.yaml")["resources"]!["limits"]!["cpu"]!.ToString());
        Assert.Equal("768Mi", Container("deployment-gateway.yaml")["resources"]!["limits"]!["memory"]!.ToString());
        Assert.Equal("IpHash", Env("deployment-gateway.yaml", "Gateway__LoadBalancing"));
        Assert.Equal("123", Env("deployment-gateway.yaml", "Gateway__RateLimiting__ReadsPerWindow"));

        // 8 × 4 cores over 6 + 4 pods at most: 3 each (locally, 4 + 3 instances would get 4).
        var options = new ScaleFastOptions { PoolFactor = 8, DatabaseCores = 4 };
        var budget = DatabasePoolBudget.For(options, instances: 6 + 4, unpooled: 4);
        Assert.Equal(3, budget.PerInstance);
        Assert.Contains($"Maximum Pool Size={budget.PerInstance};", Env("deployment-api.yaml", "ConnectionStrings__scalefast"), StringComparison.Ordinal);
        Assert.Contains($"Maximum Pool Size={budget.PerInstance};", Env("deployment-worker.yaml", "ConnectionStrings__scalefast"), StringComparison.Ordinal);
        Assert.Equal("4", Container("statefulset-postgres.yaml")["resources"]!["limits"]!["cpu"]!.ToString());
    }

    [Fact]
    public void The_gateway_resolves_the_api_pods_through_a_headless_Service()
    {
        Assert.Equal("dns+http://api:8080", Env("deployment-gateway.yaml", "ReverseProxy__Clusters__api__Destinations__api__Address"));
        Assert.Equal("dns+http://api:8081", Env("deployment-gateway.yaml", "ReverseProxy__Clusters__api__Destinations__api__Health"));
        Assert.Equal("None", Spec("service-api.yaml")["clusterIP"]!.ToString());
        // The public Service has the gateway's port only: health and metrics stay inside the cluster.
        var gateway = Spec("service-gateway.yaml");
        Assert.Equal("LoadBalancer", gateway["type"]!.ToString());
        Assert.Equal(["8080"], gateway["ports"]!.AsArray().Select(p => p!["port"]!.ToString()));
        // Clients reach the pods with their own addresses, the ones the limiter and IpHash tell apart.
        Assert.Equal("Local", gateway["externalTrafficPolicy"]!.ToString());
    }

    [Fact]
    public void Servers_are_StatefulSets_with_volume_claims_and_secrets_come_only_from_the_Secret()
    {
        foreach (var server in new[] { "postgres", "redis", "rabbitmq" })
        {
            Assert.NotEmpty(Spec($"statefulset-{server}.yaml")["volumeClaimTemplates"]!.AsArray());
        }

        Assert.DoesNotContain(published.Files, f => f.StartsWith("secret-", StringComparison.Ordinal));
        var example = File.ReadAllLines(Path.Combine(published.OutputDirectory, "secrets.env.example")).Where(l => !l.StartsWith('#')).ToList();
        Assert.All(example, line => Assert.EndsWith("=", line, StringComparison.Ordinal));
        Assert.Contains("postgres-password=", example);
        Assert.Contains("api-admin-key=", example);

        // Every Secret key an object reads is one the example lists.
        var referenced = published.Files.SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(published.OutputDirectory, f)), @"key: ([a-z0-9-]+)").Select(m => m.Groups[1].Value + "="));
        Assert.Subset(example.ToHashSet(), referenced.ToHashSet());
        Assert.Equal("api-admin-key", Container("deployment-api.yaml")["env"]!.AsArray().Single(e => e!["name"]!.ToString() == "ApiKeys__AdminKeys__0")!["valueFrom"]!["secretKeyRef"]!["key"]!.ToString());
    }

    [Fact]
    public async Task A_managed_server_is_not_deployed_and_its_connection_string_comes_from_the_Secret()
    {
        var directory = Path.Combine(published.OutputDirectory, "..", "managed");
        var result = await PublishedKubernetes.PublishAsync(directory, ["--ScaleFast:Kubernetes:ManagedPostgres", "true", "--ScaleFast:Kubernetes:PrometheusOperator", "false"]);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var files = Directory.GetFiles(directory).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("statefulset-postgres.yaml", files);
        Assert.Contains("statefulset-redis.yaml", files);
        Assert.Contains("configmap-scalefast-prometheus-rules.yaml", files);
        Assert.DoesNotContain(files, f => f!.StartsWith("servicemonitor", StringComparison.Ordinal));
        var api = PublishedKubernetes.ToJson(File.ReadAllText(Path.Combine(directory, "deployment-api.yaml")));
        var env = api["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        // The server's connection string from the Secret; the model's database and pool settings follow it.
        Assert.StartsWith("$(SCALEFAST_K8S_SECRET_POSTGRES_CONNECTION_STRING);Database=scalefast;Maximum Pool Size=", env.Single(e => e!["name"]!.ToString() == "ConnectionStrings__scalefast")!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("SCALEFAST_K8S_SECRET_POSTGRES_CONNECTION_STRING", env[0]!["name"]!.ToString());
        Assert.Contains("postgres-connection-string=", File.ReadAllText(Path.Combine(directory, "secrets.env.example")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maximum_replicas_whose_pools_cannot_fit_are_refused_with_a_readable_message()
    {
        var directory = Path.Combine(published.OutputDirectory, "..", "refused");
        var result = await PublishedKubernetes.PublishAsync(directory, ["--ScaleFast:Kubernetes:Api:MaxReplicas", "60"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ScaleFast:Kubernetes:Api:MaxReplicas = 60", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("above ScaleFast:DatabaseMaxConnections = 100", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    private JsonNode Spec(string file) => published.Read(file)["spec"]!;

    private JsonNode Container(string file) => Spec(file)["template"]!["spec"]!["containers"]![0]!;

    private string Env(string file, string name) =>
        Container(file)["env"]!.AsArray().Single(e => e!["name"]!.ToString() == name)!["value"]!.ToString();
}
