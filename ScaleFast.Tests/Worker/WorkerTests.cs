using System.Text.Json;
using ScaleFast.Contracts;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Worker;

[Collection(ScaleFastAppCollection.Name)]
public sealed class WorkerTests(ScaleFastAppFixture fixture)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task An_order_gets_one_confirmation_email_even_when_its_message_is_delivered_again()
    {
        using var api = App.CreateHttpClient("api-1", "http");
        using var mail = await MailSink.ConnectAsync(App);
        var order = await Orders.PlaceAsync(api);

        var sent = await Eventually.ReadAsync(() => mail.ConfirmationsAsync([order]), c => c[order] > 0, Within);
        Assert.Equal(1, sent[order]);

        // The relay publishes the row again, under the same message id: a redelivery.
        var duplicates = await Orders.ReadWorkersMetricAsync(App, "scalefast_inbox_duplicates_total", "consumer=\"order-confirmation\"");
        await App.QueryScalarAsync<object>(
            "UPDATE outbox SET sent_at = NULL WHERE payload->>'orderId' = @order; SELECT pg_notify(@channel, '')", ("order", (object)order.ToString()), ("channel", OutboxContract.NotificationChannel));
        var seen = await Eventually.ReadAsync(
            () => Orders.ReadWorkersMetricAsync(App, "scalefast_inbox_duplicates_total", "consumer=\"order-confirmation\""), d => d > duplicates, Within);

        Assert.True(seen > duplicates, "The republished message never reached a consumer.");
        Assert.Equal(1, (await mail.ConfirmationsAsync([order]))[order]);
    }

    [Fact]
    public async Task A_poison_message_ends_in_the_error_queue_while_the_other_messages_keep_flowing()
    {
        using var broker = await Broker.ConnectAsync(App);
        using var mail = await MailSink.ConnectAsync(App);
        using var api = App.CreateHttpClient("api-0", "http");
        var errorsBefore = (await broker.QueueAsync("order-confirmation_error")).Ready;

        // An order whose address no mail server takes: every attempt to send it fails.
        await Orders.AddOutboxRowAsync(App, MessageNames.Of(typeof(OrderPlaced)), JsonSerializer.Serialize(new
        {
            orderId = Guid.NewGuid(), customerEmail = "", lines = Array.Empty<object>(), total = 0m, placedAt = DateTimeOffset.UtcNow,
        }));
        var others = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            others.Add(await Orders.PlaceAsync(api));
        }

        var sent = await Eventually.ReadAsync(() => mail.ConfirmationsAsync(others), c => c.Values.All(n => n > 0), Within);
        Assert.All(sent.Values, n => Assert.Equal(1, n));
        // The management API refreshes its counts every few seconds.
        var errors = await Eventually.ReadAsync(() => broker.QueueAsync("order-confirmation_error"), q => q.Ready > errorsBefore, Within);
        Assert.Equal(errorsBefore + 1, errors.Ready);
    }

    [Theory]
    [InlineData("no-such-message", "{}", "unknown message type")]
    [InlineData("order-placed", "\"not an order\"", "the payload is not a OrderPlaced")]
    public async Task An_outbox_row_that_cannot_be_published_is_set_aside_with_its_reason_and_blocks_nothing(string type, string payload, string reason)
    {
        using var api = App.CreateHttpClient("api-2", "http");
        using var mail = await MailSink.ConnectAsync(App);

        var row = await Orders.AddOutboxRowAsync(App, type, payload);
        var order = await Orders.PlaceAsync(api);

        var error = await Eventually.ReadAsync(
            () => App.QueryScalarAsync<string>("SELECT error FROM outbox WHERE id = @id", ("id", row)), e => e is not null, Within);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Null(await App.QueryScalarAsync<DateTime?>("SELECT sent_at FROM outbox WHERE id = @id", ("id", row)));
        var sent = await Eventually.ReadAsync(() => mail.ConfirmationsAsync([order]), c => c[order] > 0, Within);
        Assert.Equal(1, sent[order]);
    }

    [Fact]
    public async Task Workers_report_the_outbox_backlog_and_what_they_relayed()
    {
        using var api = App.CreateHttpClient("api-0", "http");
        var relayed = await Orders.ReadWorkersMetricAsync(App, "scalefast_outbox_published_total", "type=\"OrderPlaced\"");

        await Orders.PlaceAsync(api);

        var after = await Eventually.ReadAsync(
            () => Orders.ReadWorkersMetricAsync(App, "scalefast_outbox_published_total", "type=\"OrderPlaced\""), n => n > relayed, Within);
        Assert.True(after > relayed, $"scalefast_outbox_published_total stayed at {relayed}.");
        foreach (var worker in new[] { "worker-0", "worker-1" })
        {
            var text = await App.CreateHttpClient(worker, "management").GetStringAsync("/metrics");
            Assert.Contains("scalefast_outbox_pending{", text, StringComparison.Ordinal);
            Assert.Contains("scalefast_outbox_oldest_age_seconds{", text, StringComparison.Ordinal);
        }

        // MassTransit's own meter: messages consumed per message type and consumer.
        Assert.True(await Orders.ReadWorkersMetricAsync(App, "messaging_masstransit_consume_ea_total", "messaging_masstransit_message_type=\"OrderPlaced\"") > 0);
    }
}
