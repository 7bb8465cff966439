using System.Diagnostics;
using Npgsql;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Lab;
using ScaleFast.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScaleFast.Tests.Worker;

[Collection(FaultAppCollection.Name)]
public sealed class WorkerFaultTests(FaultAppFixture fixture, ITestOutputHelper output)
{
    private const int OrderCount = 100;

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task Orders_taken_while_the_broker_is_down_are_each_confirmed_once_when_it_returns()
    {
        using var mail = await MailSink.ConnectAsync(App);
        // Killed, not stopped: a crash flushes nothing, and the outage is shorter than a clean stop
        // (RabbitMQ's management agent waits 5 s in its own): MassTransit retries its connection at
        // growing intervals (3, 6, 12, 24 s), and an outage that outlasts an attempt waits for the next.
        ProcessTable.Kill(FaultCommands.ProcessIdOf(App.ResourceNotifications, ResourceNames.RabbitMQ)
            ?? throw new InvalidOperationException("The broker has no running process."));
        Assert.True(await StopsAcceptingAsync(ResourceNames.RabbitMQ, "tcp"), "The broker still accepts connections after it was killed.");

        var orders = await Orders.PlaceManyAsync(App, OrderCount);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.All((await mail.ConfirmationsAsync(orders)).Values, n => Assert.Equal(0, n));
        Assert.True(await App.QueryScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND error IS NULL") >= OrderCount);

        var clock = Stopwatch.StartNew();
        Assert.True((await App.ResourceCommands.ExecuteCommandAsync(ResourceNames.RabbitMQ, KnownResourceCommands.StartCommand)).Success, "The broker did not start again.");
        var sent = await Eventually.ReadAsync(() => mail.ConfirmationsAsync(orders), c => c.Values.All(n => n > 0), TimeSpan.FromSeconds(120));
        output.WriteLine($"All {OrderCount} confirmations {clock.Elapsed.TotalSeconds:0.0} s after the broker's start command.");

        Assert.Equal(OrderCount, sent.Values.Count(n => n > 0));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.All((await mail.ConfirmationsAsync(orders)).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Messages_a_killed_worker_held_go_to_the_other_worker_and_are_processed_once()
    {
        using var mail = await MailSink.ConnectAsync(App);
        var worker = ProcessTable.FindService("worker-0") ?? throw new InvalidOperationException("worker-0 is not running.");

        // Holds every consumer at its inbox claim, before any email goes out: both workers then
        // hold unacknowledged messages, and none is between sending and committing.
        await using var holder = await App.OpenDatabaseAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE inbox IN SHARE ROW EXCLUSIVE MODE", holder, hold).ExecuteNonQueryAsync();

        var orders = await Orders.PlaceManyAsync(App, OrderCount);
        var waiting = await Eventually.ReadAsync(() => WaitingOnInboxAsync("worker-0"), n => n > 0, TimeSpan.FromSeconds(20));
        Assert.True(waiting > 0, "worker-0 never took a message.");

        Process.GetProcessById(worker).Kill();
        Assert.True(await Eventually.ReadAsync(() => Task.FromResult(!ProcessTable.IsAlive(worker)), gone => gone, TimeSpan.FromSeconds(10)));
        await hold.CommitAsync();

        var sent = await Eventually.ReadAsync(() => mail.ConfirmationsAsync(orders), c => c.Values.All(n => n > 0), TimeSpan.FromSeconds(60));
        Assert.Equal(OrderCount, sent.Values.Count(n => n > 0));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.All((await mail.ConfirmationsAsync(orders)).Values, n => Assert.Equal(1, n));
        Assert.Equal(OrderCount, await App.QueryScalarAsync<long>(
            "SELECT count(*) FROM inbox i JOIN outbox o ON o.id = i.message_id WHERE i.consumer = 'order-confirmation' AND o.payload->>'orderId' = ANY(@orders)",
            ("orders", orders.Select(o => o.ToString()).ToArray())));
    }

    private async Task<long> WaitingOnInboxAsync(string instance) =>
        await App.QueryScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = @instance AND wait_event_type = 'Lock'", ("instance", instance));

    private async Task<bool> StopsAcceptingAsync(string resource, string endpoint)
    {
        var address = App.GetEndpoint(resource, endpoint);
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(address.Host, address.Port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
