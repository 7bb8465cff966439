using System.Text.Json;
using ScaleFast.Tests.Security;

namespace ScaleFast.Tests.Lab;

/// <summary>
/// A normal start, as <c>./run.sh</c> makes it, shows nothing red: the dashboard's structured logs
/// hold no warning and no error from the start until 30 s after every resource is healthy.
/// </summary>
[Collection(UserAppHostCollection.Name)]
public sealed class QuietStartTests(UserAppHostFixture fixture)
{
    private const int WarningSeverity = 13;

    [Fact]
    public async Task A_normal_start_logs_no_warning_and_no_error()
    {
        var quietUntil = fixture.App.HealthyAt + TimeSpan.FromSeconds(30);
        if (quietUntil > DateTime.UtcNow)
        {
            await Task.Delay(quietUntil - DateTime.UtcNow);
        }

        var records = await StructuredLogsAsync();

        // The services do log (the check is not of an empty list), and none of it is a warning or worse.
        Assert.Contains(records, r => r.Service.StartsWith("api", StringComparison.Ordinal));
        var loud = records.Where(r => r.Severity >= WarningSeverity && r.At <= quietUntil).ToList();
        Assert.True(loud.Count == 0, $"Warnings and errors on a normal start:\n{string.Join('\n', loud)}");
    }

    private sealed record LogRecord(string Service, string Category, int Severity, string Level, string Message, DateTime At)
    {
        public override string ToString() => $"{At:HH:mm:ss.fff} {Service} {Level} {Category}: {Message}";
    }

    /// <summary>Every structured log record the dashboard holds, through its telemetry API (with its API key).</summary>
    private async Task<List<LogRecord>> StructuredLogsAsync()
    {
        using var dashboard = new HttpClient { BaseAddress = fixture.App.Dashboard };
        dashboard.DefaultRequestHeaders.Add("x-api-key", fixture.App.DashboardEnvironment("DASHBOARD__API__PRIMARYAPIKEY"));
        using var body = JsonDocument.Parse(await dashboard.GetStringAsync("/api/telemetry/logs?limit=1000000"));

        var records = new List<LogRecord>();
        foreach (var resource in body.RootElement.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            var service = resource.TryGetProperty("resource", out var attributes)
                ? attributes.GetProperty("attributes").EnumerateArray()
                    .FirstOrDefault(a => a.GetProperty("key").GetString() == "service.name") is { ValueKind: JsonValueKind.Object } name
                    ? name.GetProperty("value").GetProperty("stringValue").GetString()!
                    : "?"
                : "?";
            foreach (var scope in resource.GetProperty("scopeLogs").EnumerateArray())
            {
                var category = scope.GetProperty("scope").GetProperty("name").GetString()!;
                foreach (var record in scope.GetProperty("logRecords").EnumerateArray())
                {
                    records.Add(new LogRecord(
                        service,
                        category,
                        record.TryGetProperty("severityNumber", out var severity) ? severity.GetInt32() : 0,
                        record.TryGetProperty("severityText", out var level) ? level.GetString()! : "?",
                        record.GetProperty("body").TryGetProperty("stringValue", out var message) ? message.GetString()! : string.Empty,
                        DateTime.UnixEpoch.AddTicks(long.Parse(record.GetProperty("timeUnixNano").GetString()!, System.Globalization.CultureInfo.InvariantCulture) / 100)));
                }
            }
        }

        return records;
    }
}
