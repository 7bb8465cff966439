using System.Net.Http.Json;
using System.Text.Json;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Monitoring;

/// <summary>
/// The Grafana dashboards (container mode) are checked without Grafana: each panel uses the
/// provisioned data source, and each query is valid PromQL that the real Prometheus evaluates.
/// </summary>
[Collection(ScaleFastAppCollection.Name)]
public sealed class DashboardTests(ScaleFastAppFixture fixture)
{
    private static readonly string GrafanaDirectory =
        Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", "monitoring", "grafana"));

    public static TheoryData<string> Dashboards => [.. Directory.GetFiles(Path.Combine(GrafanaDirectory, "dashboards"), "*.json").Select(file => Path.GetFileName(file))];

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task Every_panel_queries_the_provisioned_Prometheus_with_valid_PromQL(string dashboard)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(GrafanaDirectory, "dashboards", dashboard)));
        var datasources = await File.ReadAllTextAsync(Path.Combine(GrafanaDirectory, "provisioning", "datasources", "prometheus.yml"));
        var panels = json.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        using var prometheus = await fixture.App.CreatePrometheusClientAsync();

        Assert.NotEmpty(panels);
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            var uid = panel.GetProperty("datasource").GetProperty("uid").GetString();
            Assert.Contains($"uid: {uid}", datasources, StringComparison.Ordinal);
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expr = target.GetProperty("expr").GetString()!;
                var response = await prometheus.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(expr)}");
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(response.IsSuccessStatusCode, $"{title}: {expr}\n{body}");
                Assert.Equal("success", body.GetProperty("status").GetString());
            }
        }
    }
}
