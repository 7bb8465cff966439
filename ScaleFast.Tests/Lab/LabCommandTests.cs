using System.Globalization;
using System.Text.RegularExpressions;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Lab;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Lab;

/// <summary>The dashboard's lab commands, run through the app model as the dashboard runs them, and their effect.</summary>
[Collection(ScaleFastAppCollection.Name)]
public sealed class LabCommandTests(ScaleFastAppFixture fixture)
{
    private static readonly string[] Apis = ["api-0", "api-1", "api-2"];

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task Send_read_load_reads_through_the_gateway_and_spreads_over_every_replica()
    {
        var before = await DecisionsAsync();

        var result = await RunAsync(ResourceNames.Gateway, TrafficCommands.ReadLoad, (TrafficCommands.SecondsArgument, 3));

        var after = await DecisionsAsync();
        var reads = Number(result.Message!, "reads");
        Assert.True(reads > 0, result.Message);
        Assert.Contains("0 failed", result.Message, StringComparison.Ordinal);
        // The gateway counted them, and every replica had its share.
        Assert.True(after.Values.Sum() - before.Values.Sum() >= reads, $"{reads} reads, {after.Values.Sum() - before.Values.Sum()} balanced");
        Assert.All(Apis, api => Assert.True(after.GetValueOrDefault(api) - before.GetValueOrDefault(api) > 0, api));
        Assert.Contains("| api-0 |", result.Data!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Burst_one_client_is_refused_by_the_rate_limiter_once_its_budget_is_spent()
    {
        var rejectedBefore = await App.ReadMetricAsync(ResourceNames.Gateway, "scalefast_rate_limit_decisions_total", "result=\"rejected\"");

        var result = await RunAsync(ResourceNames.Gateway, TrafficCommands.Burst);

        var refused = Number(result.Message!, "refused with 429");
        Assert.True(refused > 0, result.Message);
        Assert.Contains("Retry-After: ", result.Data!.Value, StringComparison.Ordinal);
        Assert.True(await App.ReadMetricAsync(ResourceNames.Gateway, "scalefast_rate_limit_decisions_total", "result=\"rejected\"") - rejectedBefore >= refused);
    }

    [Fact]
    public async Task Place_orders_takes_orders_and_waits_for_their_confirmation_emails()
    {
        var result = await RunAsync("api-1", TrafficCommands.PlaceOrders, (TrafficCommands.CountArgument, 5));

        Assert.Equal("5 orders accepted, 5 emails arrived.", result.Message);
        using var mail = await MailSink.ConnectAsync(App);
        Assert.True((await mail.SubjectsAsync()).Count >= 5);
    }

    private async Task<ExecuteCommandResult> RunAsync(string resource, string command, params (string Name, int Value)[] arguments)
    {
        var inputs = new InteractionInputCollection(
            [.. arguments.Select(a => new InteractionInput { Name = a.Name, InputType = InputType.Number, Value = a.Value.ToString(CultureInfo.InvariantCulture) })]);
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, inputs);
        Assert.True(result.Success, result.Message);
        return result;
    }

    /// <summary>The gateway's balancing decisions so far, per replica.</summary>
    private async Task<Dictionary<string, double>> DecisionsAsync()
    {
        var decisions = new Dictionary<string, double>();
        foreach (var api in Apis)
        {
            decisions[api] = await App.ReadMetricAsync(ResourceNames.Gateway, "scalefast_gateway_balancing_decisions_total", $"destination=\"{api}\"");
        }

        return decisions;
    }

    /// <summary>The number in <paramref name="message"/> just before <paramref name="what"/> ("1,234 reads").</summary>
    private static int Number(string message, string what)
    {
        var match = Regex.Match(message, $@"([\d,]+) {Regex.Escape(what)}");
        Assert.True(match.Success, $"No number of {what} in: {message}");
        return int.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }
}
