using System.Globalization;
using System.Text.Json;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>The structured logs the dashboard of a <see cref="UserAppHost"/> holds, read through its telemetry API (with its API key).</summary>
internal static class DashboardLogs
{
    public const int WarningSeverity = 13;

    public sealed record Record(string Service, string Category, int Severity, string Level, string Message, DateTime At)
    {
        public override string ToString() => $"{At:HH:mm:ss.fff} {Service} {Level} {Category}: {Message}";
    }

    public static async Task<List<Record>> ReadAsync(UserAppHost app)
    {
        using var dashboard = new HttpClient { BaseAddress = app.Dashboard };
        dashboard.DefaultRequestHeaders.Add("x-api-key", app.DashboardEnvironment("DASHBOARD__API__PRIMARYAPIKEY"));
        using var body = JsonDocument.Parse(await dashboard.GetStringAsync(new Uri("/api/telemetry/logs?limit=1000000", UriKind.Relative)));

        var records = new List<Record>();
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
                    records.Add(new Record(
                        service,
                        category,
                        record.TryGetProperty("severityNumber", out var severity) ? severity.GetInt32() : 0,
                        record.TryGetProperty("severityText", out var level) ? level.GetString()! : "?",
                        record.GetProperty("body").TryGetProperty("stringValue", out var message) ? message.GetString()! : string.Empty,
                        DateTime.UnixEpoch.AddTicks(long.Parse(record.GetProperty("timeUnixNano").GetString()!, CultureInfo.InvariantCulture) / 100)));
                }
            }
        }

        return records;
    }
}
