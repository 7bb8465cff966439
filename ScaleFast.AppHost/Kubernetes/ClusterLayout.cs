using System.Text.RegularExpressions;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Contracts;
using ScaleFast.Settings;

namespace ScaleFast.AppHost.Kubernetes;

/// <summary>
/// Where each resource of the app model lives on the cluster: the instances of one service kind
/// (<c>api-0</c>, <c>api-1</c>, …) become the pods of one Deployment behind one Service named after
/// the kind; each server is its own Service, or a managed service outside the cluster.
/// </summary>
internal sealed partial class ClusterLayout
{
    /// <summary>Every ScaleFast service listens on these two ports in its pod.</summary>
    public const int HttpPort = 8080;

    public const int ManagementPort = 8081;

    /// <summary>The Secret every password and managed connection string comes from.</summary>
    public const string SecretName = "scalefast-secrets";

    /// <summary>The scheme prefix of a URL that stands for every pod of a kind (the gateway resolves it).</summary>
    public const string PerPodScheme = PodDiscoveryOptions.DnsSchemePrefix;

    /// <summary>Helper variables (a secret or the pod's name, expanded into other values by Kubernetes) start with this.</summary>
    public const string HelperPrefix = "SCALEFAST_K8S_";

    private readonly Dictionary<IResource, ServiceKind> _kindOf = [];
    private readonly HashSet<string> _managed;

    public ClusterLayout(KubernetesOptions options, IEnumerable<ServiceKind> kinds)
    {
        Options = options;
        Kinds = kinds.ToList();
        foreach (var kind in Kinds)
        {
            foreach (var instance in kind.Instances)
            {
                _kindOf[instance] = kind;
            }
        }

        _managed = new HashSet<string>(StringComparer.Ordinal);
        AddIf(options.ManagedPostgres, ResourceNames.Postgres);
        AddIf(options.ManagedRedis, ResourceNames.Redis);
        AddIf(options.ManagedRabbitMQ, ResourceNames.RabbitMQ);
        AddIf(options.ManagedMail, ResourceNames.Mail);

        void AddIf(bool managed, string name)
        {
            if (managed)
            {
                _managed.Add(name);
            }
        }
    }

    public KubernetesOptions Options { get; }

    public IReadOnlyList<ServiceKind> Kinds { get; }

    /// <summary>The Secret keys the generated objects read, with what each holds.</summary>
    public SortedDictionary<string, string> SecretKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// An environment key as the kind's pods get it: a key naming an instance of a kind
    /// (<c>…__Destinations__api-1__Address</c>) names the kind (<c>…__Destinations__api__Address</c>).
    /// </summary>
    public string KeyOnCluster(string key)
    {
        foreach (var kind in Kinds)
        {
            foreach (var instance in kind.Instances)
            {
                key = Regex.Replace(key, $"(?<=^|__){Regex.Escape(instance.Name)}(?=__|$)", kind.Name);
            }
        }

        return key;
    }

    public ServiceKind? KindOf(IResource resource) => _kindOf.GetValueOrDefault(resource);

    /// <summary>Whether the server (or the server a database lives on) is a managed service outside the cluster.</summary>
    public bool IsManaged(IResource resource) =>
        _managed.Contains(resource.Name) || (resource is IResourceWithParent child && IsManaged(child.Parent));

    /// <summary>The Service name that reaches a resource: the kind of an instance, the server's own name otherwise.</summary>
    public string ServiceName(IResource resource) => KindOf(resource) is { } kind ? PodsServiceName(kind) : resource.Name;

    /// <summary>
    /// The headless Service over a kind's pods (what <c>dns+</c> URLs resolve and Prometheus
    /// scrapes): the kind's own name, unless that is taken by its public Service.
    /// </summary>
    public static string PodsServiceName(ServiceKind kind) =>
        kind.Representative.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal) ? $"{kind.Name}-pods" : kind.Name;

    /// <summary>The port the resource listens on in its pod.</summary>
    public int ContainerPort(EndpointAnnotation endpoint, IResource resource) =>
        KindOf(resource) is not null
            ? endpoint.Name == ServiceEndpoints.ManagementEndpointName ? ManagementPort : HttpPort
            : endpoint.TargetPort ?? throw new InvalidOperationException($"The endpoint '{endpoint.Name}' of '{resource.Name}' has no target port to publish.");

    /// <summary>The port its Service offers: the external port the model asks for, or the pod's port.</summary>
    public int ServicePort(EndpointAnnotation endpoint, IResource resource) =>
        KindOf(resource) is not null && endpoint.IsExternal && endpoint.Port is { } port ? port : ContainerPort(endpoint, resource);

    /// <summary>A Secret key for a secret parameter or a managed service's connection string, recorded with its meaning.</summary>
    public string UseSecret(string key, string meaning)
    {
        SecretKeys.TryAdd(key, meaning);
        return key;
    }

    public static string HelperName(string suffix) => HelperPrefix + NotIdentifierCharacters().Replace(suffix, "_").ToUpperInvariant();

    /// <summary>The key for a managed service's connection string in the Secret.</summary>
    public static string ConnectionStringKey(string resourceName) => $"{resourceName}-connection-string";

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NotIdentifierCharacters();
}

/// <summary>One kind of ScaleFast service: its instances in the app model become one Deployment.</summary>
/// <param name="Name">The kind and Deployment name: <c>api</c>, <c>worker</c>, <c>gateway</c>.</param>
/// <param name="Instances">The model's instances; the first stands for all (they differ only in their name).</param>
/// <param name="Replicas">The replicas to start with, and the autoscaler's floor.</param>
/// <param name="MaxReplicas">The autoscaler's ceiling.</param>
/// <param name="Pods">Requests and limits per pod.</param>
internal sealed record ServiceKind(string Name, IReadOnlyList<IResource> Instances, int Replicas, int MaxReplicas, KubernetesServiceOptions Pods)
{
    public IResource Representative => Instances[0];

    /// <summary>More than one pod behind a headless Service: its URL asks the caller to resolve every pod (<c>dns+</c>).</summary>
    public bool ResolvedPerPod => Name != ResourceNames.Gateway;
}
