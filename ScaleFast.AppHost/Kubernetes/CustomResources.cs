using k8s.Models;

namespace ScaleFast.AppHost.Kubernetes;

// Custom resources that KubernetesClient has no models for: KEDA's, the Prometheus operator's and
// kustomize's. Only the fields ScaleFast writes; serialized by the same YAML serializer
// (camel-case names, nulls left out) and validated against their schemas by the tests.

/// <summary>A custom resource: apiVersion, kind, metadata and a spec.</summary>
internal abstract record CustomResource<TSpec>(string ApiVersion, string Kind, V1ObjectMeta Metadata, TSpec Spec);

/// <summary>KEDA: scales a Deployment on external metrics (here RabbitMQ queue lengths).</summary>
internal sealed record ScaledObject(V1ObjectMeta Metadata, ScaledObjectSpec Spec)
    : CustomResource<ScaledObjectSpec>("keda.sh/v1alpha1", "ScaledObject", Metadata, Spec);

internal sealed record ScaledObjectSpec(ScaleTargetRef ScaleTargetRef, int MinReplicaCount, int MaxReplicaCount, IReadOnlyList<ScaleTrigger> Triggers);

internal sealed record ScaleTargetRef(string Name);

internal sealed record ScaleTrigger(string Type, IReadOnlyDictionary<string, string> Metadata, AuthenticationRef AuthenticationRef);

internal sealed record AuthenticationRef(string Name);

/// <summary>KEDA: where a scaler's credentials come from.</summary>
internal sealed record TriggerAuthentication(V1ObjectMeta Metadata, TriggerAuthenticationSpec Spec)
    : CustomResource<TriggerAuthenticationSpec>("keda.sh/v1alpha1", "TriggerAuthentication", Metadata, Spec);

internal sealed record TriggerAuthenticationSpec(IReadOnlyList<SecretTargetRef> SecretTargetRef);

internal sealed record SecretTargetRef(string Parameter, string Name, string Key);

/// <summary>Prometheus operator: which Services' pods to scrape, and how.</summary>
internal sealed record ServiceMonitor(V1ObjectMeta Metadata, ServiceMonitorSpec Spec)
    : CustomResource<ServiceMonitorSpec>("monitoring.coreos.com/v1", "ServiceMonitor", Metadata, Spec);

internal sealed record ServiceMonitorSpec(string JobLabel, V1LabelSelector Selector, IReadOnlyList<ScrapeEndpoint> Endpoints);

internal sealed record ScrapeEndpoint(
    string Port, string Path, string Interval, IReadOnlyList<Relabeling> Relabelings, IReadOnlyDictionary<string, IReadOnlyList<string>>? Params = null);

internal sealed record Relabeling(IReadOnlyList<string> SourceLabels, string TargetLabel);

/// <summary>Prometheus operator: recording and alerting rules.</summary>
internal sealed record PrometheusRule(V1ObjectMeta Metadata, PrometheusRuleSpec Spec)
    : CustomResource<PrometheusRuleSpec>("monitoring.coreos.com/v1", "PrometheusRule", Metadata, Spec);

internal sealed record PrometheusRuleSpec(IReadOnlyList<RuleGroup> Groups);

/// <summary>A Prometheus rule file, as in <c>monitoring/prometheus/rules</c>; also read from there.</summary>
internal sealed class RuleFile
{
    public List<RuleGroup> Groups { get; init; } = [];
}

internal sealed class RuleGroup
{
    public string Name { get; init; } = string.Empty;

    public List<Rule> Rules { get; init; } = [];
}

internal sealed class Rule
{
    public string? Alert { get; init; }

    public string? Record { get; init; }

    public string Expr { get; init; } = string.Empty;

    public string? For { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }
}

/// <summary>kustomize: the objects to install, their namespace, and the Secret made from the user's <c>secrets.env</c>.</summary>
internal sealed record Kustomization(
    string Namespace, IReadOnlyList<string> Resources, IReadOnlyList<SecretGenerator> SecretGenerator, GeneratorOptions GeneratorOptions)
{
    public string ApiVersion { get; init; } = "kustomize.config.k8s.io/v1beta1";

    public string Kind { get; init; } = "Kustomization";
}

internal sealed record SecretGenerator(string Name, IReadOnlyList<string> Envs);

/// <summary>
/// KEDA's TriggerAuthentication names the Secret, and kustomize would not rename it there: the
/// Secret keeps its plain name.
/// </summary>
internal sealed record GeneratorOptions(bool DisableNameSuffixHash);
