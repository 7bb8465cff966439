using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace ScaleFast.Tests.Infrastructure.Containers;

/// <summary>
/// The pods of published Kubernetes objects (<c>kubectl kustomize</c> output), one per Deployment and
/// StatefulSet, run in Docker as a kubelet would start them: the container's image, command,
/// arguments and environment (values, Secret keys, the pod's name, <c>$(VAR)</c> references), on one
/// network where each pod answers to the names of the Services that select it. Each container port
/// is published on loopback, for the probes.
/// </summary>
internal sealed partial class DockerPods : IAsyncDisposable
{
    private readonly string _network;
    private readonly List<string> _containers = [];

    private readonly Dictionary<string, (V1Container, IReadOnlyDictionary<int, int>)> _pods = [];

    private DockerPods(string network) => _network = network;

    /// <summary>Each pod's name, its container and the host port of each container port.</summary>
    public IReadOnlyDictionary<string, (V1Container Container, IReadOnlyDictionary<int, int> Ports)> Pods => _pods;

    /// <summary>Starts every workload of <paramref name="manifest"/>, each container on the image <paramref name="image"/> gives it.</summary>
    public static async Task<DockerPods> StartAsync(string manifest, Func<V1Container, string> image)
    {
        // Only what a pod is made of: the custom kinds (KEDA's, the Prometheus operator's) have no type here.
        var objects = KubernetesYaml.LoadAllFromString(string.Join("\n---\n",
            Document().Split(manifest).Where(d => PodKind().IsMatch(d))));
        var secrets = objects.OfType<V1Secret>().ToDictionary(
            s => s.Metadata.Name,
            s => (s.Data ?? new Dictionary<string, byte[]>()).ToDictionary(d => d.Key, d => Encoding.UTF8.GetString(d.Value)));
        var services = objects.OfType<V1Service>().ToList();

        var pods = new DockerPods($"scalefast-pods-{Guid.NewGuid():N}"[..24]);
        await DockerEngine.DockerAsync("network", "create", pods._network);
        try
        {
            foreach (var (name, template) in objects.OfType<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template))
                .Concat(objects.OfType<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template))))
            {
                var aliases = services.Where(s => Selects(s, template)).Select(s => s.Metadata.Name).ToList();
                await pods.RunAsync($"{name}-0", template.Spec.Containers.Single(), aliases, secrets, image);
            }
        }
        catch
        {
            await pods.DisposeAsync();
            throw;
        }

        return pods;
    }

    /// <summary>The last lines a pod's container wrote, for a failure message.</summary>
    public async Task<string> LogsAsync(string pod)
    {
        var logs = await Command.RunAsync("docker", ["logs", "--tail", "30", $"{_network}-{pod}"]);
        return logs.StandardOutput + logs.StandardError;
    }

    public async ValueTask DisposeAsync()
    {
        if (_containers.Count > 0)
        {
            await Command.RunAsync("docker", ["rm", "--force", .. _containers]);
        }

        await Command.RunAsync("docker", ["network", "rm", _network]);
    }

    private async Task RunAsync(string pod, V1Container container, IReadOnlyList<string> aliases,
        IReadOnlyDictionary<string, Dictionary<string, string>> secrets, Func<V1Container, string> image)
    {
        var name = $"{_network}-{pod}";
        List<string> arguments = ["run", "--detach", "--name", name, "--hostname", pod, "--network", _network];
        arguments.AddRange(aliases.SelectMany(alias => new[] { "--network-alias", alias }));
        foreach (var (variable, value) in EnvironmentOf(pod, container, secrets))
        {
            arguments.AddRange(["--env", $"{variable}={value}"]);
        }

        var ports = (container.Ports ?? []).Select(p => p.ContainerPort).ToList();
        arguments.AddRange(ports.SelectMany(port => new[] { "--publish", $"127.0.0.1::{port}" }));
        if (container.Command is { Count: > 0 } command)
        {
            arguments.AddRange(["--entrypoint", command[0]]);
        }

        arguments.Add(image(container));
        arguments.AddRange(container.Command?.Skip(1) ?? []);
        arguments.AddRange(container.Args ?? []);

        await DockerEngine.DockerAsync([.. arguments]);
        _containers.Add(name);

        var published = new Dictionary<int, int>();
        foreach (var port in ports)
        {
            var binding = await DockerEngine.DockerAsync("port", name, $"{port}/tcp");
            published[port] = int.Parse(binding.Split('\n')[0].Split(':')[^1], CultureInfo.InvariantCulture);
        }

        _pods[pod] = (container, published);
    }

    /// <summary>The container's environment as the kubelet sets it: in order, each <c>$(VAR)</c> taken from those before it.</summary>
    private static List<(string Name, string Value)> EnvironmentOf(
        string pod, V1Container container, IReadOnlyDictionary<string, Dictionary<string, string>> secrets)
    {
        var environment = new List<(string Name, string Value)>();
        foreach (var variable in container.Env ?? [])
        {
            var value = variable.ValueFrom switch
            {
                { SecretKeyRef: { } key } => secrets[key.Name][key.Key],
                { FieldRef.FieldPath: "metadata.name" } => pod,
                null => Reference().Replace(variable.Value ?? string.Empty,
                    m => environment.LastOrDefault(e => e.Name == m.Groups[1].Value).Value ?? m.Value),
                _ => throw new NotSupportedException($"{variable.Name}: a value source the pods here do not give."),
            };
            environment.Add((variable.Name, value));
        }

        return environment;
    }

    private static bool Selects(V1Service service, V1PodTemplateSpec template) =>
        service.Spec.Selector is { Count: > 0 } selector && selector.All(s => template.Metadata.Labels.TryGetValue(s.Key, out var v) && v == s.Value);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex Document();

    [GeneratedRegex(@"^kind: (Deployment|StatefulSet|Service|Secret)\s*$", RegexOptions.Multiline)]
    private static partial Regex PodKind();
}
