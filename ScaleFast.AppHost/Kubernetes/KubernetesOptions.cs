using System.ComponentModel.DataAnnotations;

namespace ScaleFast.AppHost.Kubernetes;

/// <summary>
/// The knobs that exist only on a cluster, bound from <c>ScaleFast:Kubernetes</c> when publishing
/// with <c>--publisher kubernetes</c>. Replica floors, pools, balancing and every service setting come
/// from the same <see cref="ScaleFastOptions"/> as locally.
/// </summary>
public sealed class KubernetesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ScaleFast:Kubernetes";

    /// <summary>The namespace everything is installed in. Default <c>scalefast</c>.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    public string Namespace { get; set; } = "scalefast";

    /// <summary>Where the service images are pulled from, e.g. <c>registry.example.com/team</c>; empty: the node's images. Default empty.</summary>
    public string ImageRegistry { get; set; } = string.Empty;

    /// <summary>The tag of the service images <c>scalefast-api</c>, <c>scalefast-worker</c> and <c>scalefast-gateway</c>. Default <c>latest</c>.</summary>
    [Required]
    public string ImageTag { get; set; } = "latest";

    /// <summary>The average CPU use, as a share of the CPU request, the API and gateway autoscalers keep. Default 70 %.</summary>
    [Range(10, 100)]
    public int TargetCpuUtilization { get; set; } = 70;

    /// <summary>Gateway replicas the autoscaler never goes below. Default 2: one can be replaced while the other serves.</summary>
    [Range(1, 100)]
    public int GatewayReplicas { get; set; } = 2;

    /// <summary>
    /// Ready messages per worker replica in a queue above which KEDA adds workers. Default: the workers' <c>Messaging:PrefetchCount</c>,
    /// what one worker takes ahead of time.
    /// </summary>
    [Range(1, 1_000_000)]
    public int? QueueLengthPerWorker { get; set; }

    /// <summary>The gateway Service's type: <c>LoadBalancer</c> (default), <c>NodePort</c> or <c>ClusterIP</c> (behind an ingress).</summary>
    [RegularExpression("^(LoadBalancer|NodePort|ClusterIP)$")]
    public string GatewayServiceType { get; set; } = "LoadBalancer";

    /// <summary>The size of each server's PersistentVolumeClaim. Default <c>5Gi</c>.</summary>
    [Required]
    public string VolumeSize { get; set; } = "5Gi";

    /// <summary>
    /// Whether the cluster runs the Prometheus operator: a ServiceMonitor and the alert rules as a
    /// PrometheusRule. Without it: scrape annotations and the rules in a ConfigMap. Default true.
    /// </summary>
    public bool PrometheusOperator { get; set; } = true;

    /// <summary>Use a managed PostgreSQL: no StatefulSet; the database's connection string comes from the Secret. Default false.</summary>
    public bool ManagedPostgres { get; set; }

    /// <summary>Use a managed Redis: no StatefulSet; its connection string comes from the Secret. Default false.</summary>
    public bool ManagedRedis { get; set; }

    /// <summary>Use a managed RabbitMQ: no StatefulSet; its connection string comes from the Secret. Default false.</summary>
    public bool ManagedRabbitMQ { get; set; }

    /// <summary>Use a real SMTP server instead of the smtp4dev sink: its connection string comes from the Secret. Default false.</summary>
    public bool ManagedMail { get; set; }

    /// <summary>The API pods. Default: up to 10, 250m CPU requested.</summary>
    public KubernetesServiceOptions Api { get; set; } = new();

    /// <summary>The worker pods. Default: up to 10, 250m CPU requested.</summary>
    public KubernetesServiceOptions Worker { get; set; } = new();

    /// <summary>The gateway pods. Default: up to 10, 250m CPU requested.</summary>
    public KubernetesServiceOptions Gateway { get; set; } = new();
}

/// <summary>How far one kind of service scales and what each of its pods gets.</summary>
public sealed class KubernetesServiceOptions
{
    /// <summary>The most replicas its autoscaler may run; the connection pools are sized for it. Default 10.</summary>
    [Range(1, 1_000)]
    public int MaxReplicas { get; set; } = 10;

    /// <summary>CPU requested per pod: what the autoscaler's utilization is measured against. Default <c>250m</c>.</summary>
    [Required]
    public string CpuRequest { get; set; } = "250m";

    /// <summary>CPU limit per pod. Default <c>1</c>.</summary>
    [Required]
    public string CpuLimit { get; set; } = "1";

    /// <summary>Memory requested per pod. Default <c>256Mi</c>.</summary>
    [Required]
    public string MemoryRequest { get; set; } = "256Mi";

    /// <summary>Memory limit per pod. Default <c>512Mi</c>.</summary>
    [Required]
    public string MemoryLimit { get; set; } = "512Mi";
}
