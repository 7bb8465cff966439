using System.Globalization;
using k8s.Models;
using ScaleFast.Contracts;

namespace ScaleFast.AppHost.Kubernetes;

/// <summary>Deployments, StatefulSets and Services for the services and servers of the app model.</summary>
internal sealed class Workloads(ClusterLayout layout, ScaleFastOptions options, DistributedApplicationExecutionContext executionContext)
{
    private const string NameLabel = "app.kubernetes.io/name";
    private const string PartOfLabel = "app.kubernetes.io/part-of";

    /// <summary>On the Services whose pods Prometheus scrapes (<see cref="Monitoring"/>).</summary>
    public const string ScrapeLabel = "scalefast.io/scrape";

    /// <summary>One Deployment for every instance of a kind, with the representative instance's environment.</summary>
    public async Task<IEnumerable<object>> ServiceAsync(ServiceKind kind, CancellationToken cancellationToken)
    {
        var renderer = new EnvironmentRenderer(layout, kind.Representative, executionContext);
        var container = new V1Container
        {
            Name = kind.Name,
            Image = Image(kind.Name),
            Env = await renderer.RenderEnvironmentAsync(cancellationToken),
            Ports =
            [
                new V1ContainerPort { ContainerPort = ClusterLayout.HttpPort, Name = "http" },
                new V1ContainerPort { ContainerPort = ClusterLayout.ManagementPort, Name = ServiceEndpoints.ManagementEndpointName },
            ],
            Resources = Resources(kind.Pods.CpuRequest, kind.Pods.CpuLimit, kind.Pods.MemoryRequest, kind.Pods.MemoryLimit),
            // Start-up (migrations, demo data) may take a while: liveness only counts once it is live.
            StartupProbe = HttpProbe(ServiceEndpoints.LivenessPath, periodSeconds: 2, failureThreshold: 90),
            LivenessProbe = HttpProbe(ServiceEndpoints.LivenessPath, periodSeconds: 10, failureThreshold: 3),
            ReadinessProbe = HttpProbe(ServiceEndpoints.ReadinessPath, periodSeconds: 2, failureThreshold: 2),
        };

        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(kind.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = kind.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Selector(kind.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(kind.Name), Annotations = ScrapeAnnotations(ClusterLayout.ManagementPort, ServiceEndpoints.MetricsPath) },
                    Spec = new V1PodSpec { Containers = [container] },
                },
            },
        };

        var external = kind.Representative.Annotations.OfType<EndpointAnnotation>().Where(e => e.IsExternal && e.Name != ServiceEndpoints.ManagementEndpointName).ToList();
        var pods = Service(ClusterLayout.PodsServiceName(kind), kind.Name, headless: true, scraped: true,
            [.. kind.Representative.Annotations.OfType<EndpointAnnotation>().Select(e => ServicePort(e, kind.Representative, published: false))]);
        if (external.Count == 0)
        {
            return [deployment, pods];
        }

        // The public Service carries only the external endpoints: health and metrics stay inside.
        var publicService = Service(kind.Name, kind.Name, headless: false, scraped: false, [.. external.Select(e => ServicePort(e, kind.Representative, published: true))]);
        publicService.Spec.Type = layout.Options.GatewayServiceType;
        if (publicService.Spec.Type != "ClusterIP")
        {
            // The client's own address reaches the pods (not the node's, after kube-proxy's SNAT): the
            // limiter and IpHash tell clients apart by it.
            publicService.Spec.ExternalTrafficPolicy = "Local";
        }

        return [deployment, pods, publicService];
    }

    /// <summary>A server: a StatefulSet with a PersistentVolumeClaim per data volume (a Deployment without), and its Service.</summary>
    public async Task<IEnumerable<object>> ServerAsync(ContainerResource server, CancellationToken cancellationToken)
    {
        var renderer = new EnvironmentRenderer(layout, server, executionContext);
        var endpoints = server.Annotations.OfType<EndpointAnnotation>().ToList();
        var volumes = server.Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Type == ContainerMountType.Volume).ToList();
        var primaryPort = layout.ContainerPort(endpoints[0], server);
        // Postgres gets the cores the pool budget counts on (ScaleFast:DatabaseCores).
        var (cpuRequest, cpuLimit) = server.Name == Infrastructure.ResourceNames.Postgres
            ? (Cores(options), Cores(options))
            : ("250m", "1");

        var container = new V1Container
        {
            Name = server.Name,
            Image = ServerImage(server),
            Command = server.Entrypoint is { } entrypoint ? [entrypoint] : null,
            Args = await renderer.RenderArgumentsAsync(cancellationToken) is { Count: > 0 } args ? args : null,
            Env = await renderer.RenderEnvironmentAsync(cancellationToken),
            Ports = [.. endpoints.Select(e => new V1ContainerPort { ContainerPort = layout.ContainerPort(e, server), Name = e.Name })],
            VolumeMounts = [.. volumes.Select((v, i) => new V1VolumeMount { MountPath = v.Target, Name = VolumeName(i) })],
            Resources = Resources(cpuRequest, cpuLimit, memoryRequest: "256Mi", memoryLimit: "1Gi"),
            ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = primaryPort }, PeriodSeconds = 5 },
        };
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = Labels(server.Name) },
            Spec = new V1PodSpec { Containers = [container] },
        };
        var service = Service(server.Name, server.Name, headless: volumes.Count > 0, scraped: false,
            [.. endpoints.Select(e => ServicePort(e, server, published: true))]);

        if (volumes.Count == 0)
        {
            return
            [
                new V1Deployment
                {
                    ApiVersion = "apps/v1",
                    Kind = "Deployment",
                    Metadata = Metadata(server.Name),
                    Spec = new V1DeploymentSpec { Replicas = 1, Selector = new V1LabelSelector { MatchLabels = Selector(server.Name) }, Template = template },
                },
                service,
            ];
        }

        return
        [
            new V1StatefulSet
            {
                ApiVersion = "apps/v1",
                Kind = "StatefulSet",
                Metadata = Metadata(server.Name),
                Spec = new V1StatefulSetSpec
                {
                    ServiceName = server.Name,
                    Replicas = 1,
                    Selector = new V1LabelSelector { MatchLabels = Selector(server.Name) },
                    Template = template,
                    VolumeClaimTemplates = [.. volumes.Select((_, i) => new V1PersistentVolumeClaim
                    {
                        ApiVersion = "v1",
                        Kind = "PersistentVolumeClaim",
                        Metadata = new V1ObjectMeta { Name = VolumeName(i) },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(layout.Options.VolumeSize) } },
                        },
                    })],
                },
            },
            service,
        ];
    }

    public static V1ObjectMeta Metadata(string name, IDictionary<string, string>? extraLabels = null)
    {
        var labels = Labels(name);
        foreach (var (key, value) in extraLabels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }

        return new V1ObjectMeta { Name = name, Labels = labels };
    }

    public static Dictionary<string, string> Selector(string name) => new() { [NameLabel] = name };

    private static Dictionary<string, string> Labels(string name) => new() { [NameLabel] = name, [PartOfLabel] = "scalefast" };

    private V1Service Service(string name, string selects, bool headless, bool scraped, IList<V1ServicePort> ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        // The job label of what Prometheus scrapes is the kind's name (Monitoring: jobLabel).
        Metadata = Metadata(name, scraped && options.Metrics ? new Dictionary<string, string> { [ScrapeLabel] = "true", [NameLabel] = selects } : null),
        Spec = new V1ServiceSpec { ClusterIP = headless ? "None" : null, Selector = Selector(selects), Ports = ports },
    };

    private V1ServicePort ServicePort(EndpointAnnotation endpoint, IResource resource, bool published) => new()
    {
        Name = endpoint.Name,
        Port = published ? layout.ServicePort(endpoint, resource) : layout.ContainerPort(endpoint, resource),
        TargetPort = layout.ContainerPort(endpoint, resource),
    };

    private string Image(string kind) =>
        $"{(layout.Options.ImageRegistry.Length > 0 ? layout.Options.ImageRegistry.TrimEnd('/') + "/" : string.Empty)}scalefast-{kind}:{layout.Options.ImageTag}";

    private static string ServerImage(ContainerResource server)
    {
        var image = server.Annotations.OfType<ContainerImageAnnotation>().Last();
        return $"{(image.Registry is { Length: > 0 } registry ? registry + "/" : string.Empty)}{image.Image}:{image.Tag}";
    }

    private static string Cores(ScaleFastOptions options) => (options.DatabaseCores ?? Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture);

    private static string VolumeName(int index) => index == 0 ? "data" : $"data-{index}";

    private Dictionary<string, string>? ScrapeAnnotations(int port, string path) => options.Metrics
        ? new() { ["prometheus.io/scrape"] = "true", ["prometheus.io/port"] = port.ToString(CultureInfo.InvariantCulture), ["prometheus.io/path"] = path }
        : null;

    private static V1ResourceRequirements Resources(string cpuRequest, string cpuLimit, string memoryRequest, string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest), ["memory"] = new(memoryRequest) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit), ["memory"] = new(memoryLimit) },
    };

    private static V1Probe HttpProbe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = ClusterLayout.ManagementPort },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 2,
    };
}
