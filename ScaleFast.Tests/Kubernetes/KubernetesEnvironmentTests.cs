using ScaleFast.AppHost.Kubernetes;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Kubernetes;

/// <summary>
/// Each service's pods get the environment the AppHost gives that service locally: the run-mode
/// model's variables for <c>api-0</c>, <c>worker-0</c> and <c>gateway</c>, read from the model without
/// starting it, against the published Deployment's.
/// </summary>
public sealed class KubernetesEnvironmentTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    /// <summary>What only the local run has: Aspire's wiring to its dashboard and to local ports.</summary>
    private static readonly string[] RunOnlyPrefixes = ["OTEL_EXPORTER_OTLP_", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_BLRP_", "OTEL_BSP_", "OTEL_METRIC",
        "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION", "OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION", "OTEL_INSTRUMENTATION_GENAI_", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_", "LOGGING__"];

    /// <summary>What Aspire adds for a published project instead (its ports, forwarded headers behind an ingress).</summary>
    private static readonly string[] PublishOnly = ["HTTP_PORTS", "ASPNETCORE_FORWARDEDHEADERS_ENABLED"];

    [Theory]
    [InlineData("api", "api-0")]
    [InlineData("worker", "worker-0")]
    [InlineData("gateway", "gateway")]
    public async Task A_kinds_pods_get_the_variables_its_local_instance_gets(string kind, string instance)
    {
        var local = await LocalEnvironmentAsync(instance);
        var pods = published.Read($"deployment-{kind}.yaml")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Select(e => e!).ToList();
        var podKeys = pods.Select(e => e["name"]!.ToString()).ToList();

        var expected = local.Keys.Where(k => !RunOnlyPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)))
            .Select(k => System.Text.RegularExpressions.Regex.Replace(k, @"(?<=__)api-\d+(?=__)", "api"))
            .Distinct().Order(StringComparer.Ordinal);
        var actual = podKeys.Where(k => !k.StartsWith(ClusterLayout.HelperPrefix, StringComparison.Ordinal) && !PublishOnly.Contains(k)).Order(StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(actual), $"Only locally: {string.Join(", ", expected.Except(actual))}; only on the cluster: {string.Join(", ", actual.Except(expected))}");

        foreach (var (key, value) in local.Where(v => podKeys.Contains(v.Key)))
        {
            var pod = pods.Single(e => e["name"]!.ToString() == key);
            switch (value)
            {
                case string s when s == instance:
                    Assert.Equal("metadata.name", pod["valueFrom"]!["fieldRef"]!["fieldPath"]!.ToString());
                    break;
                case string s:
                    Assert.Equal(s, pod["value"]!.ToString());
                    break;
                case ParameterResource { Secret: true } parameter:
                    Assert.Equal(parameter.Name, pod["valueFrom"]!["secretKeyRef"]!["key"]!.ToString());
                    break;
                default:
                    // Expressions (connection strings, endpoints): written out, every $(NAME) defined before it.
                    var text = pod["value"]!.ToString();
                    Assert.DoesNotContain("{", text, StringComparison.Ordinal);
                    var before = podKeys.TakeWhile(k => k != key).ToHashSet();
                    Assert.All(System.Text.RegularExpressions.Regex.Matches(text, @"\$\(([A-Za-z0-9_]+)\)"), m => Assert.Contains(m.Groups[1].Value, before));
                    break;
            }
        }
    }

    /// <summary>The variables (unresolved values) the run-mode model gives a resource, with the same knobs.</summary>
    private static Task<Dictionary<string, object>> LocalEnvironmentAsync(string resourceName) =>
        ModelEnvironment.ReadAsync(resourceName, ["--ScaleFast:Infrastructure=containers", .. PublishedKubernetes.Knobs.Chunk(2).Select(k => $"{k[0]}={k[1]}")]);
}
