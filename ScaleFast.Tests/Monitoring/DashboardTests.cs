using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Monitoring;

/// <summary>
/// The Grafana dashboards (container mode) are checked without Grafana: each panel uses the
/// provisioned data source, and each query is valid PromQL that the real Prometheus evaluates;
/// every metric a panel or an alert rule names is one the running services export.
/// </summary>
[Collection(ScaleFastAppCollection.Name)]
public sealed partial class DashboardTests(ScaleFastAppFixture fixture)
{
    /// <summary>
    /// Counters that exist only once their event happened (a message failed, a row was set aside):
    /// a quiet app has no series of them.
    /// </summary>
    private static readonly string[] CountedOnlyWhenItHappens =
    [
        "messaging_masstransit_consume_errors_ea_total",
        "scalefast_outbox_rejected_total",
    ];

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

    [Fact]
    public async Task Every_metric_the_dashboards_and_alert_rules_name_is_exported()
    {
        using var prometheus = await fixture.App.CreatePrometheusClientAsync();
        var rules = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/rules");
        var queries = rules.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .Select(rule => rule.GetProperty("query").GetString()!)
            .Concat(Directory.GetFiles(Path.Combine(GrafanaDirectory, "dashboards"), "*.json").SelectMany(DashboardQueries))
            .ToList();
        var named = queries.SelectMany(MetricNames).Except(CountedOnlyWhenItHappens).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("db_client_connection_npgsql_pending_requests", named);

        // A product read and an order through the gateway: cache, limiter, balancer, outbox and consumer metrics get their first series.
        using var admin = await fixture.App.CreateAdminClientAsync("api-0");
        var product = await Catalog.CreateProductAsync(admin);
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync($"/api/products/{product.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await gateway.PostAsJsonAsync("/api/orders", Catalog.Order((product.Id, 1)))).StatusCode);

        var missing = await Eventually.ReadAsync(
            async () =>
            {
                var names = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/label/__name__/values");
                return named.Except(names.GetProperty("data").EnumerateArray().Select(name => name.GetString()!)).Order(StringComparer.Ordinal).ToList();
            },
            stillMissing => stillMissing.Count == 0,
            within: TimeSpan.FromSeconds(60));

        Assert.True(missing.Count == 0, $"named by a dashboard or an alert rule, exported by nobody: {string.Join(", ", missing)}");
    }

    private static IEnumerable<string> DashboardQueries(string dashboard)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(dashboard));
        return [.. json.RootElement.GetProperty("panels").EnumerateArray()
            .Where(panel => panel.TryGetProperty("targets", out _))
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)];
    }

    /// <summary>The metric names of a PromQL expression: label matchers, grouping labels, strings and functions taken out.</summary>
    private static IEnumerable<string> MetricNames(string promql)
    {
        var bare = NotMetricNames().Replace(promql, " ");
        return Identifier().Matches(bare).Select(match => match.Value)
            .Where(name => name.Contains('_', StringComparison.Ordinal) && !name.Contains(':', StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\{[^}]*\}|""[^""]*""|\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)|\bgroup_(left|right)\b|\b[a-z_]+\s*\(|\[[^\]]*\]")]
    private static partial Regex NotMetricNames();

    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
