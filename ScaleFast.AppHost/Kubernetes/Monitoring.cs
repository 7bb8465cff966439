using k8s;
using k8s.Models;
using ScaleFast.AppHost.Monitoring;
using ScaleFast.Contracts;

namespace ScaleFast.AppHost.Kubernetes;

/// <summary>
/// What a cluster's Prometheus and Grafana need: with the Prometheus operator, a ServiceMonitor for
/// the services (job = kind, instance = pod) and the broker, and the alert rules as a PrometheusRule;
/// without it, the rule files in a ConfigMap (the pods carry scrape annotations). The Grafana
/// dashboards in a ConfigMap that Grafana's dashboard sidecar loads.
/// </summary>
internal sealed class Monitoring(ClusterLayout layout, ScaleFastOptions options, string repositoryRoot)
{
    private const string DashboardLabel = "grafana_dashboard";

    private string RulesDirectory => Path.Combine(repositoryRoot, "monitoring", "prometheus", "rules");

    private string DashboardsDirectory => Path.Combine(repositoryRoot, "monitoring", "grafana", "dashboards");

    public IEnumerable<object> Objects()
    {
        yield return Dashboards();
        if (!options.Metrics)
        {
            yield break;
        }

        if (!layout.Options.PrometheusOperator)
        {
            yield return RulesConfigMap();
            yield break;
        }

        yield return ServicesMonitor();
        if (!layout.Options.ManagedRabbitMQ)
        {
            yield return BrokerMonitor();
        }

        yield return new PrometheusRule(Workloads.Metadata("scalefast"), new PrometheusRuleSpec([.. RuleFiles().SelectMany(f => f.Groups)]));
    }

    /// <summary>The alert rules, and the recording rules that carry the thresholds which are knobs.</summary>
    private IEnumerable<RuleFile> RuleFiles() =>
        Directory.GetFiles(RulesDirectory, "*.yml").Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .Append(PrometheusConfig.RenderThresholds(options))
            .Select(yaml => KubernetesYaml.Deserialize<RuleFile>(yaml));

    private static ServiceMonitor ServicesMonitor() => new(
        Workloads.Metadata("scalefast"),
        new ServiceMonitorSpec(
            JobLabel: "app.kubernetes.io/name",
            Selector: new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [Workloads.ScrapeLabel] = "true" } },
            Endpoints:
            [
                new ScrapeEndpoint(ServiceEndpoints.ManagementEndpointName, ServiceEndpoints.MetricsPath, Interval, InstanceIsPod),
            ]));

    private static ServiceMonitor BrokerMonitor() => new(
        Workloads.Metadata(Infrastructure.ResourceNames.RabbitMQ),
        new ServiceMonitorSpec(
            JobLabel: "app.kubernetes.io/name",
            Selector: new V1LabelSelector { MatchLabels = Workloads.Selector(Infrastructure.ResourceNames.RabbitMQ) },
            Endpoints:
            [
                new ScrapeEndpoint(BrokerMetrics.EndpointName, BrokerMetrics.MetricsPath, Interval, InstanceIsPod,
                    new Dictionary<string, IReadOnlyList<string>> { ["family"] = BrokerMetrics.Families }),
            ]));

    /// <summary>Locally the instance label is the resource name (<c>api-2</c>); on the cluster, the pod's.</summary>
    private static IReadOnlyList<Relabeling> InstanceIsPod => [new Relabeling(["__meta_kubernetes_pod_name"], "instance")];

    private static string Interval => $"{PrometheusConfig.ScrapeInterval.TotalSeconds:0}s";

    private V1ConfigMap RulesConfigMap() => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = Workloads.Metadata("scalefast-prometheus-rules"),
        Data = Directory.GetFiles(RulesDirectory, "*.yml")
            .Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f)))
            .Append((Name: PrometheusConfig.ThresholdsFileName, Text: PrometheusConfig.RenderThresholds(options)))
            .ToDictionary(f => f.Name, f => f.Text),
    };

    private V1ConfigMap Dashboards() => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = Workloads.Metadata("scalefast-dashboards", new Dictionary<string, string> { [DashboardLabel] = "1" }),
        Data = Directory.GetFiles(DashboardsDirectory, "*.json").ToDictionary(f => Path.GetFileName(f), File.ReadAllText),
    };
}
