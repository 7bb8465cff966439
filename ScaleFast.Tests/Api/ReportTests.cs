using System.Net.Http.Json;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Api;

[Collection(ScaleFastAppCollection.Name)]
public sealed class ReportTests(ScaleFastAppFixture fixture)
{
    [Fact]
    public async Task A_report_request_is_accepted_at_once_with_its_outbox_message_and_has_no_content_until_produced()
    {
        using var client = fixture.App.CreateHttpClient("api-2", "http");

        var response = await client.PostAsJsonAsync("/api/reports", new { kind = "sales", from = "2026-01-01", to = "2026-01-31" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await response.ReadJsonAsync<ReportDto>();
        Assert.Equal($"/api/reports/{report.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("sales", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), "requested"), (report.Kind, report.From, report.To, report.Status));

        var status = await client.GetFromJsonAsync<ReportDto>($"/api/reports/{report.Id}");
        Assert.Equal(report.Id, status!.Id);
        Assert.Null(status.Content);
        await Catalog.AssertProblemAsync(await client.GetAsync($"/api/reports/{report.Id}/content"), HttpStatusCode.Conflict);
        Assert.Equal(1L, await fixture.App.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'ScaleFast.Contracts.ReportRequested' AND payload->>'reportId' = @id",
            ("id", report.Id.ToString())));
    }
}
