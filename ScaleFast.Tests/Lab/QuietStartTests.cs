using ScaleFast.Tests.Infrastructure;
using ScaleFast.Tests.Security;

namespace ScaleFast.Tests.Lab;

/// <summary>
/// A normal start, as <c>./run.sh</c> makes it, shows nothing red: the dashboard's structured logs
/// hold no warning and no error from the start until 30 s after every resource is healthy.
/// </summary>
[Collection(UserAppHostCollection.Name)]
public sealed class QuietStartTests(UserAppHostFixture fixture)
{
    [Fact]
    public async Task A_normal_start_logs_no_warning_and_no_error()
    {
        var quietUntil = fixture.App.HealthyAt + TimeSpan.FromSeconds(30);
        if (quietUntil > DateTime.UtcNow)
        {
            await Task.Delay(quietUntil - DateTime.UtcNow);
        }

        var records = await DashboardLogs.ReadAsync(fixture.App);

        // The services do log (the check is not of an empty list), and none of it is a warning or worse.
        Assert.Contains(records, r => r.Service.StartsWith("api", StringComparison.Ordinal));
        var loud = records.Where(r => r.Severity >= DashboardLogs.WarningSeverity && r.At <= quietUntil).ToList();
        Assert.True(loud.Count == 0, $"Warnings and errors on a normal start:\n{string.Join('\n', loud)}");
    }
}
