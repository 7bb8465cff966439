using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleFast.Tests.Infrastructure;
using YamlDotNet.Serialization;

namespace ScaleFast.Tests.Kubernetes;

/// <summary>
/// The AppHost published once for Kubernetes, with knobs away from their defaults, then built by
/// <c>kubectl kustomize</c> with a test <c>secrets.env</c>, as a user would install it.
/// </summary>
public sealed class PublishedKubernetes : IAsyncLifetime
{
    /// <summary>Knobs set away from their defaults, to see each reach the output.</summary>
    public static readonly string[] Knobs =
    [
        "--ScaleFast:ApiReplicas", "4",
        "--ScaleFast:WorkerReplicas", "3",
        "--Gateway:LoadBalancing", "IpHash",
        "--Gateway:RateLimiting:ReadsPerWindow", "123",
        "--ScaleFast:PoolFactor", "8",
        "--ScaleFast:DatabaseCores", "4",
        "--Messaging:PrefetchCount", "24",
        "--ScaleFast:Kubernetes:Api:MaxReplicas", "6",
        "--ScaleFast:Kubernetes:Worker:MaxReplicas", "4",
        "--ScaleFast:Kubernetes:Api:CpuLimit", "1500m",
        "--ScaleFast:Kubernetes:Gateway:MemoryLimit", "768Mi",
        "--ScaleFast:Kubernetes:TargetCpuUtilization", "60",
    ];

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("scalefast-k8s-");
    private readonly IReadOnlyList<string> _knobs;

    public PublishedKubernetes()
        : this(Knobs)
    {
    }

    /// <summary>Published with <paramref name="knobs"/> instead of <see cref="Knobs"/>.</summary>
    internal PublishedKubernetes(IReadOnlyList<string> knobs) => _knobs = knobs;

    public string OutputDirectory => Path.Combine(_root.FullName, "k8s");

    /// <summary>The installable output, as <c>kubectl kustomize</c> renders it.</summary>
    public string Built => Path.Combine(_root.FullName, "built.yaml");

    public async Task InitializeAsync()
    {
        var publishing = await PublishAsync(OutputDirectory, _knobs);
        Assert.True(publishing.ExitCode == 0, publishing.StandardOutput + publishing.StandardError);

        // What a user writes: a value for each key the example lists.
        var secrets = File.ReadAllLines(Path.Combine(OutputDirectory, "secrets.env.example"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => $"{line}{Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant()}");
        await File.WriteAllLinesAsync(Path.Combine(OutputDirectory, "secrets.env"), secrets);

        var kustomize = await Command.RunAsync(KubernetesTools.Kubectl, ["kustomize", OutputDirectory]);
        Assert.True(kustomize.ExitCode == 0, kustomize.StandardError);
        await File.WriteAllTextAsync(Built, kustomize.StandardOutput);
    }

    internal static Task<AppHostProcess.Result> PublishAsync(string directory, IEnumerable<string> knobs) =>
        AppHostProcess.RunAsync(["--publisher", "kubernetes", "--output-path", directory, .. knobs], timeout: TimeSpan.FromMinutes(2));

    /// <summary>A generated object, as JSON (scalars are strings, as YAML gives them).</summary>
    public JsonNode Read(string file) => ToJson(File.ReadAllText(Path.Combine(OutputDirectory, file)));

    public IReadOnlyList<string> Files => [.. Directory.GetFiles(OutputDirectory, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order()!];

    public static JsonNode ToJson(string yaml) =>
        JsonNode.Parse(JsonSerializer.Serialize(new DeserializerBuilder().Build().Deserialize<object>(yaml)))!;

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
