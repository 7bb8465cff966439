using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ScaleFast.Tests.Monitoring;

/// <summary>The alert rules are valid, and each fires in one promtool case and stays silent in another.</summary>
[Trait("Tier", "Fast")]
public sealed partial class AlertRuleTests
{
    private static readonly string PrometheusDirectory =
        Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", "monitoring", "prometheus"));

    private static readonly string RulesFile = Path.Combine(PrometheusDirectory, "rules", "scalefast-alerts.yml");
    private static readonly string TestsFile = Path.Combine(PrometheusDirectory, "tests", "scalefast-alerts.test.yml");

    [Fact]
    public async Task Rules_pass_promtool_check()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", RulesFile);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Rules_pass_their_promtool_unit_tests()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", TestsFile);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void Every_alert_has_a_case_where_it_fires_and_one_where_it_does_not()
    {
        var alerts = AlertName().Matches(File.ReadAllText(RulesFile)).Select(m => m.Groups[1].Value).ToList();
        var tests = File.ReadAllText(TestsFile);

        Assert.NotEmpty(alerts);
        Assert.All(alerts, alert =>
        {
            // A firing case names the alert in its expected labels; the silent case is the other
            // instance in the same test, or an evaluation with no expected alerts.
            Assert.Contains($"alertname: {alert}", tests, StringComparison.Ordinal);
            Assert.Matches($"name: {alert} fires .*, not ", tests);
        });
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = PrometheusDirectory,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^\s*- alert: (\w+)", RegexOptions.Multiline)]
    private static partial Regex AlertName();
}
