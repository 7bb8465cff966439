using System.Globalization;
using k8s.Models;
using ScaleFast.AppHost.Topology;
using ScaleFast.Contracts;

namespace ScaleFast.AppHost.Kubernetes;

/// <summary>
/// What scales each kind: the API and the gateway on CPU (HorizontalPodAutoscaler), the workers on
/// the length of the queues they consume (a KEDA ScaledObject with a RabbitMQ trigger per queue).
/// </summary>
internal sealed class Autoscalers(ClusterLayout layout, ServiceSettings settings)
{
    /// <summary>The Secret key KEDA reads the broker's address from, in-cluster broker or managed.</summary>
    public string BrokerAddressKey => layout.Options.ManagedRabbitMQ
        ? ClusterLayout.ConnectionStringKey(Infrastructure.ResourceNames.RabbitMQ)
        : "rabbitmq-keda-host";

    public V2HorizontalPodAutoscaler OnCpu(ServiceKind kind) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Workloads.Metadata(kind.Name),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = kind.Name },
            MinReplicas = kind.Replicas,
            MaxReplicas = kind.MaxReplicas,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = layout.Options.TargetCpuUtilization },
                    },
                },
            ],
        },
    };

    /// <summary>One trigger per queue the workers consume (the queue names the worker gives its endpoints).</summary>
    public IEnumerable<object> OnQueueLength(ServiceKind workers)
    {
        var authentication = $"{workers.Name}-rabbitmq";
        var perReplica = (layout.Options.QueueLengthPerWorker ?? settings.Messaging.PrefetchCount).ToString(CultureInfo.InvariantCulture);
        var triggers = WorkerQueues.Consumed(settings.Benchmark.Enabled)
            .Select(queue => new ScaleTrigger(
                "rabbitmq",
                new Dictionary<string, string> { ["protocol"] = "amqp", ["mode"] = "QueueLength", ["value"] = perReplica, ["queueName"] = queue },
                new AuthenticationRef(authentication)))
            .ToList();

        var brokerService = $"{Infrastructure.ResourceNames.RabbitMQ}.{layout.Options.Namespace}.svc.cluster.local";
        var key = layout.UseSecret(BrokerAddressKey, layout.Options.ManagedRabbitMQ
            ? "the connection string of the managed 'rabbitmq'"
            : $"the broker's AMQP URI as KEDA reaches it from its own namespace: amqp://scalefast:<rabbitmq-password>@{brokerService}:5672/");

        return
        [
            new TriggerAuthentication(Workloads.Metadata(authentication), new TriggerAuthenticationSpec([new SecretTargetRef("host", ClusterLayout.SecretName, key)])),
            new ScaledObject(
                Workloads.Metadata(workers.Name),
                new ScaledObjectSpec(new ScaleTargetRef(workers.Name), workers.Replicas, workers.MaxReplicas, triggers)),
        ];
    }
}
