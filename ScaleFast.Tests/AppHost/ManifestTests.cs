using System.Text.Json;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

/// <summary>Publishing always uses the container resources, whatever the machine has.</summary>
[Trait("Tier", "Fast")]
public sealed class ManifestTests : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("scalefast-manifest-");

    [Fact]
    public async Task The_published_manifest_has_containers_for_servers_and_projects_for_services()
    {
        var path = Path.Combine(_output.FullName, "aspire-manifest.json");

        // Local mode is asked for; publishing must override it.
        var result = await AppHostProcess.RunAsync(
            ["--publisher", "manifest", "--output-path", path, "--ScaleFast:Infrastructure", "local", "--ScaleFast:TraceSampling", "0.05"]);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var resources = manifest.RootElement.GetProperty("resources").EnumerateObject()
            .ToDictionary(r => r.Name, r => r.Value);
        string TypeOf(string name) => resources[name].GetProperty("type").GetString()!;

        Assert.All(["postgres", "redis", "rabbitmq", "mail", "prometheus", "grafana"], name => Assert.Equal("container.v0", TypeOf(name)));
        Assert.Equal("value.v0", TypeOf("scalefast"));
        Assert.All(["api-0", "api-1", "api-2", "worker-0", "worker-1", "gateway"], name => Assert.Equal("project.v0", TypeOf(name)));
        Assert.DoesNotContain(resources, r => r.Value.GetProperty("type").GetString()!.StartsWith("executable", StringComparison.Ordinal));
        Assert.DoesNotContain(resources.Keys, name => name.Contains("epmd", StringComparison.Ordinal));

        var gatewayHttp = resources["gateway"].GetProperty("bindings").GetProperty("http");
        Assert.True(gatewayHttp.GetProperty("external").GetBoolean());
        Assert.Equal(8080, gatewayHttp.GetProperty("port").GetInt32());

        // The gateway's http endpoint is the only way in; no server publishes a port of the host.
        var bindings = resources
            .Where(r => r.Value.TryGetProperty("bindings", out _))
            .SelectMany(r => r.Value.GetProperty("bindings").EnumerateObject().Select(b => (Resource: r.Key, Binding: b.Name, b.Value)))
            .ToList();
        Assert.Equal(
            ["gateway/http"],
            bindings.Where(b => b.Value.TryGetProperty("external", out var external) && external.GetBoolean()).Select(b => $"{b.Resource}/{b.Binding}"));
        Assert.All(bindings.Where(b => TypeOf(b.Resource) == "container.v0"), b => Assert.False(b.Value.TryGetProperty("port", out _), $"{b.Resource}/{b.Binding} publishes a host port"));

        // Every password is a secret parameter generated at deployment, never a value in the manifest.
        var passwords = resources.Where(r => r.Key.EndsWith("-password", StringComparison.Ordinal) || r.Key == "api-admin-key").ToList();
        Assert.Equal(["api-admin-key", "grafana-password", "mail-password", "postgres-password", "prometheus-password", "rabbitmq-password", "redis-password"], passwords.Select(p => p.Key).Order());
        Assert.All(passwords, p =>
        {
            var input = p.Value.GetProperty("inputs").GetProperty("value");
            Assert.True(input.GetProperty("secret").GetBoolean(), p.Key);
            Assert.True(input.GetProperty("default").TryGetProperty("generate", out _), p.Key);
        });
        Assert.Equal("{postgres-password.value}", resources["postgres"].GetProperty("env").GetProperty("POSTGRES_PASSWORD").GetString());
        Assert.Equal("{redis-password.value}", resources["redis"].GetProperty("env").GetProperty("REDIS_PASSWORD").GetString());
        Assert.Equal("{rabbitmq-password.value}", resources["rabbitmq"].GetProperty("env").GetProperty("RABBITMQ_DEFAULT_PASS").GetString());
        Assert.Contains(resources["prometheus"].GetProperty("args").EnumerateArray(), a => a.GetString()!.StartsWith("--web.config.file=", StringComparison.Ordinal));
        Assert.Equal("{prometheus-password.value}", resources["grafana"].GetProperty("env").GetProperty("PROMETHEUS_PASSWORD").GetString());

        // Every service samples its traces as configured, following the caller's decision.
        Assert.All(["api-0", "api-1", "api-2", "worker-0", "worker-1", "gateway"], name =>
        {
            var env = resources[name].GetProperty("env");
            Assert.Equal("parentbased_traceidratio", env.GetProperty("OTEL_TRACES_SAMPLER").GetString());
            Assert.Equal("0.05", env.GetProperty("OTEL_TRACES_SAMPLER_ARG").GetString());
        });

        var rabbitmqImage = resources["rabbitmq"].GetProperty("image").GetString();
        Assert.Contains("management", rabbitmqImage, StringComparison.Ordinal);

        // The broker's Prometheus plugin port is published for the scrape; the mail sink needs its password.
        Assert.Equal(15692, resources["rabbitmq"].GetProperty("bindings").GetProperty("metrics").GetProperty("targetPort").GetInt32());
        var mail = resources["mail"];
        Assert.Equal("rnwood/smtp4dev:3.15.0", mail.GetProperty("image").GetString());
        Assert.Equal("{mail-password.value}", mail.GetProperty("env").GetProperty("ServerOptions__Users__0__Password").GetString());
        Assert.Equal("true", mail.GetProperty("env").GetProperty("ServerOptions__AuthenticationRequired").GetString());
        Assert.Contains("Password={mail-password.value}", mail.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
        Assert.Equal("{mail.connectionString}", resources["worker-0"].GetProperty("env").GetProperty("ConnectionStrings__mail").GetString());

        var grafana = resources["grafana"];
        Assert.StartsWith("grafana/grafana:", grafana.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Equal("{grafana-password.value}", grafana.GetProperty("env").GetProperty("GF_SECURITY_ADMIN_PASSWORD").GetString());
        Assert.Equal(
            ["/etc/grafana/dashboards", "/etc/grafana/provisioning"],
            grafana.GetProperty("bindMounts").EnumerateArray().Select(m => m.GetProperty("target").GetString()).Order());
    }

    public void Dispose() => _output.Delete(recursive: true);
}
