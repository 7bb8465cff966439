using System.Net.Http.Json;
using System.Text.Json;
using ScaleFast.Contracts;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Worker;

[Collection(ScaleFastAppCollection.Name)]
public sealed class ReportTests(ScaleFastAppFixture fixture)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task A_report_request_is_accepted_at_once_with_its_outbox_message()
    {
        using var client = App.CreateHttpClient("api-2", "http");

        var response = await client.PostAsJsonAsync("/api/reports", new { kind = "sales", from = "2026-01-01", to = "2026-01-31" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await response.ReadJsonAsync<ReportDto>();
        Assert.Equal($"/api/reports/{report.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("sales", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), "requested"), (report.Kind, report.From, report.To, report.Status));
        Assert.Equal(1L, await App.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'report-requested' AND payload->>'reportId' = @id",
            ("id", report.Id.ToString())));
    }

    [Fact]
    public async Task The_sales_report_totals_the_orders_of_the_range_per_day_and_product_as_CSV()
    {
        // Orders on two days no other test uses, one of them outside the range.
        await AddOrderAsync(new DateTime(2001, 2, 3, 10, 0, 0, DateTimeKind.Utc), (7, "Widget, large", 1.50m, 2), (8, "Gadget", 10.00m, 1));
        await AddOrderAsync(new DateTime(2001, 2, 4, 23, 59, 0, DateTimeKind.Utc), (7, "Widget, large", 1.50m, 3));
        await AddOrderAsync(new DateTime(2001, 2, 5, 0, 0, 0, DateTimeKind.Utc), (8, "Gadget", 10.00m, 9));
        using var client = App.CreateHttpClient("api-0", "http");

        var requested = await (await client.PostAsJsonAsync("/api/reports", new { kind = "sales", from = "2001-02-03", to = "2001-02-04" })).ReadJsonAsync<ReportDto>();
        var report = await Eventually.ReadAsync(
            async () => (await client.GetFromJsonAsync<ReportDto>($"/api/reports/{requested.Id}"))!, r => r.Status is "done" or "failed", Within);

        Assert.Equal("done", report.Status);
        Assert.Equal($"/api/reports/{report.Id}/content", report.Content);
        var content = await client.GetAsync(report.Content);
        Assert.Equal("text/csv", content.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            string.Join("\r\n",
                "day,product_id,product_name,quantity,revenue",
                "2001-02-03,7,\"Widget, large\",2,3.00",
                "2001-02-03,8,Gadget,1,10.00",
                "2001-02-04,7,\"Widget, large\",3,4.50",
                "2001-02-03,,,3,13.00",
                "2001-02-04,,,3,4.50",
                ",7,\"Widget, large\",5,7.50",
                ",8,Gadget,1,10.00",
                ",,,6,17.50",
                ""),
            await content.Content.ReadAsStringAsync());
        Assert.True(await App.QueryScalarAsync<bool>("SELECT started_at <= completed_at FROM reports WHERE id = @id", ("id", report.Id)),
            "The report never went through 'running'.");
    }

    [Fact]
    public async Task A_report_that_cannot_be_produced_ends_failed_with_its_reason_not_stuck_running()
    {
        // A range that ends before it starts, as a message the API's validation would not let through.
        var id = Guid.CreateVersion7();
        await App.QueryScalarAsync<object>(
            "INSERT INTO reports (id, kind, from_date, to_date) VALUES (@id, 'sales', DATE '2026-03-10', DATE '2026-03-01')", ("id", id));
        await Orders.AddOutboxRowAsync(App, MessageNames.Of(typeof(ReportRequested)), JsonSerializer.Serialize(new
        {
            reportId = id, kind = "sales", from = "2026-03-10", to = "2026-03-01", requestedAt = DateTimeOffset.UtcNow,
        }));
        using var client = App.CreateHttpClient("api-1", "http");

        var report = await Eventually.ReadAsync(
            async () => (await client.GetFromJsonAsync<ReportDto>($"/api/reports/{id}"))!, r => r.Status is "done" or "failed", Within);

        Assert.Equal("failed", report.Status);
        Assert.Contains("ends (2026-03-01) before it starts (2026-03-10)", report.FailureReason, StringComparison.Ordinal);
        var problem = await Catalog.AssertProblemAsync(await client.GetAsync($"/api/reports/{id}/content"), HttpStatusCode.Conflict);
        Assert.Contains("before it starts", problem.Detail, StringComparison.Ordinal);
    }

    private async Task AddOrderAsync(DateTime placedAt, params (long ProductId, string Name, decimal Price, int Quantity)[] lines)
    {
        var id = Guid.NewGuid();
        await using var connection = await App.OpenDatabaseAsync();
        await using var batch = new Npgsql.NpgsqlBatch(connection);
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("INSERT INTO orders (id, customer_email, total, placed_at) VALUES ($1, 'report@example.com', $2, $3)")
        {
            Parameters = { new() { Value = id }, new() { Value = lines.Sum(l => l.Price * l.Quantity) }, new() { Value = placedAt } },
        });
        foreach (var (line, number) in lines.Select((l, i) => (l, i + 1)))
        {
            batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand(
                "INSERT INTO order_lines (order_id, line_number, product_id, product_name, unit_price, quantity) VALUES ($1, $2, $3, $4, $5, $6)")
            {
                Parameters = { new() { Value = id }, new() { Value = number }, new() { Value = line.ProductId }, new() { Value = line.Name }, new() { Value = line.Price }, new() { Value = line.Quantity } },
            });
        }

        await batch.ExecuteNonQueryAsync();
    }
}
