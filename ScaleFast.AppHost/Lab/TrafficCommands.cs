using System.Data.Common;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using ScaleFast.Contracts;
using ScaleFast.Hosting.Local;
using ScaleFast.Settings;

namespace ScaleFast.AppHost.Lab;

/// <summary>
/// Dashboard commands that drive traffic through the system, so that each strategy can be watched
/// from the dashboard alone: read load through the gateway (balancing, caching), a burst from one
/// client (rate limiting), orders (the outbox, the broker, the workers, the mail sink). Each returns
/// a summary and names where the effect shows.
/// </summary>
public static partial class TrafficCommands
{
    /// <summary>On the gateway: product reads from many client addresses for a while.</summary>
    public const string ReadLoad = "scalefast-read-load";

    /// <summary>On the gateway: more reads from one client address than its rate limit allows.</summary>
    public const string Burst = "scalefast-burst";

    /// <summary>On an API instance: orders placed with it, and their confirmation emails awaited.</summary>
    public const string PlaceOrders = "scalefast-place-orders";

    /// <summary>The read load's length, in seconds.</summary>
    public const string SecondsArgument = "seconds";

    /// <summary>The orders to place.</summary>
    public const string CountArgument = "count";

    private const int Readers = 16;

    /// <summary>A client address of the documentation range: no real client has it.</summary>
    private const string BurstClient = "192.0.2.77";

    internal static IResourceBuilder<T> WithReadLoadCommand<T>(this IResourceBuilder<T> gateway, DemoDataOptions demoData) where T : IResourceWithEndpoints =>
        gateway.WithCommand(ReadLoad, "Send read load", async context =>
        {
            var seconds = Argument(context, SecondsArgument, 20, 1, 600);
            using var client = LoadGenerator.CreateClient(new Uri(gateway.GetEndpoint("http").Url), Readers, TimeSpan.FromSeconds(30));
            var before = await BalancingDecisionsAsync(gateway.Resource, context.CancellationToken);
            using var progress = Progress(context.Logger, "read load", TimeSpan.FromSeconds(seconds));
            var samples = await LoadGenerator.RunAsync(client, random => (ProductRead(random, ClientAddress(random), demoData), "read"), Readers, TimeSpan.FromSeconds(seconds), context.CancellationToken);
            var after = await BalancingDecisionsAsync(gateway.Resource, context.CancellationToken);
            var summary = LoadSummary.Of(samples, TimeSpan.FromSeconds(seconds));

            var text = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"**{summary.Requests:N0} reads** of random products in {seconds} s from 10,000 client addresses, {Readers} at a time: **{summary.PerSecond:N0} req/s**, p50 {summary.P50.TotalMilliseconds:N1} ms, p99 {summary.P99.TotalMilliseconds:N1} ms.")
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Statuses: {summary.StatusText}.")
                .AppendLine()
                .AppendLine("| replica | requests the gateway sent it |")
                .AppendLine("|---|---|");
            foreach (var (destination, count) in after.OrderBy(d => d.Key))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {destination} | {count - before.GetValueOrDefault(destination):N0} |");
            }

            text.AppendLine()
                .AppendLine("Watch: the gateway's and api-i's request rate on the Metrics page (http.server.request.duration); in Prometheus, "
                    + "`sum by (destination) (rate(scalefast_gateway_balancing_decisions_total[1m]))` (the spread) and "
                    + "`sum by (layer, result) (rate(scalefast_cache_requests_total[1m]))` (the cache).");
            return Report($"{summary.Requests:N0} reads, {summary.PerSecond:N0} req/s, {summary.Failed:N0} failed.", text);
        }, Options("Product reads through the gateway from 10,000 client addresses: balancing, caching, metrics.", "Send",
            new InteractionInput { Name = SecondsArgument, Label = "Seconds", InputType = InputType.Number, Value = "20", Required = true }));

    internal static IResourceBuilder<T> WithBurstCommand<T>(
        this IResourceBuilder<T> gateway, RateLimitingOptions limits, DemoDataOptions demoData) where T : IResourceWithEndpoints =>
        gateway.WithCommand(Burst, "Burst one client", async context =>
        {
            if (!limits.Enabled)
            {
                return CommandResults.Failure("The rate limiter is off (Gateway:RateLimiting:Enabled false).");
            }

            // The whole read budget and a tenth more, from one client, as fast as it goes.
            var requests = limits.ReadsPerWindow + Math.Max(10, limits.ReadsPerWindow / 10);
            using var client = LoadGenerator.CreateClient(new Uri(gateway.GetEndpoint("http").Url), 8, TimeSpan.FromSeconds(30));
            var statuses = new Dictionary<int, int>();
            string? retryAfter = null;
            var sent = 0;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
            {
                var random = new Random(worker);
                while (Interlocked.Increment(ref sent) <= requests)
                {
                    using var response = await client.SendAsync(ProductRead(random, BurstClient, demoData), context.CancellationToken);
                    lock (statuses)
                    {
                        statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                        retryAfter ??= response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                    }
                }
            }));

            var refused = statuses.GetValueOrDefault(429);
            var text = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"**{requests:N0} reads** from one client ({BurstClient}), whose limit is {limits.ReadsPerWindow:N0} reads per {limits.Window.TotalSeconds:0.###} s: "
                    + $"**{statuses.GetValueOrDefault(200):N0} answered, {refused:N0} refused with 429** (Retry-After: {retryAfter ?? "-"} s). Any other client is unaffected.")
                .AppendLine()
                .AppendLine("Watch: in Prometheus, `sum by (policy, result) (rate(scalefast_rate_limit_decisions_total[1m]))`; a 429's body is ProblemDetails, "
                    + "and its `RateLimit-*` headers count down before it.");
            return Report($"{requests:N0} reads from one client: {refused:N0} refused with 429.", text);
        }, Options("More reads from one client address than its rate limit allows: the limiter's 429s with Retry-After.", "Flash"));

    internal static IResourceBuilder<T> WithPlaceOrdersCommand<T>(
        this IResourceBuilder<T> api, IResourceWithConnectionString mail, DemoDataOptions demoData) where T : IResourceWithEndpoints =>
        api.WithCommand(PlaceOrders, "Place orders", async context =>
        {
            var count = Argument(context, CountArgument, 20, 1, 1000);
            using var client = LoadGenerator.CreateClient(new Uri(api.GetEndpoint("http").Url), 4, TimeSpan.FromSeconds(30));
            var run = Guid.NewGuid().ToString("N")[..8];
            var placed = 0;
            var refused = new Dictionary<int, int>();
            var started = DateTime.UtcNow;
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = context.CancellationToken }, async (i, ct) =>
            {
                using var response = await client.PostAsJsonAsync("/api/orders", new
                {
                    customerEmail = $"lab-{run}-{i}@scalefast.test",
                    lines = new[] { new { productId = RandomProductId(Random.Shared, demoData), quantity = 1 } },
                }, ct);
                lock (refused)
                {
                    if (response.StatusCode == System.Net.HttpStatusCode.Created)
                    {
                        placed++;
                    }
                    else
                    {
                        refused[(int)response.StatusCode] = refused.GetValueOrDefault((int)response.StatusCode) + 1;
                    }
                }
            });

            // Each accepted order's confirmation email, as the mail sink received it.
            var (emails, waited) = await AwaitEmailsAsync(mail, run, placed, TimeSpan.FromSeconds(60), context.CancellationToken);
            var others = refused.Count == 0 ? string.Empty : $" (others: {string.Join(", ", refused.Select(r => $"{r.Key}: {r.Value}"))})";
            var text = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture,
                    $"**{placed:N0} of {count:N0} orders accepted** by {context.ResourceName}{others}. **{emails:N0} confirmation emails** arrived in mail within {waited.TotalSeconds:N1} s of the first order.")
                .AppendLine()
                .AppendLine("Each order committed with its outbox row; a worker's relay published it to RabbitMQ and a consumer sent the email. "
                    + "Watch: in Prometheus, `max(scalefast_outbox_pending)`, `rabbitmq_detailed_queue_messages_ready` and "
                    + "`sum(rate(messaging_masstransit_consume_ea_total[1m]))`; the emails in the mail resource's web UI.");
            return Report($"{placed:N0} orders accepted, {emails:N0} emails arrived.", text);
        }, Options("Orders through this instance, and their confirmation emails awaited: outbox, broker, workers, mail.", "ShoppingBag",
            new InteractionInput { Name = CountArgument, Label = "Orders", InputType = InputType.Number, Value = "20", Required = true }));

    private static HttpRequestMessage ProductRead(Random random, string client, DemoDataOptions demoData)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/products/{RandomProductId(random, demoData)}");
        // The gateway believes X-Forwarded-For from loopback: each request comes from this client.
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }

    /// <summary>One of the demo products (ids 1 to <c>DemoData:Products</c>; product 1 when there are none).</summary>
    private static int RandomProductId(Random random, DemoDataOptions demoData) => random.Next(1, Math.Max(1, demoData.Products) + 1);

    private static string ClientAddress(Random random) => $"10.{random.Next(0, 100)}.{random.Next(0, 100)}.1";

    /// <summary>The gateway's balancing decisions so far, per destination (its own metrics endpoint).</summary>
    private static async Task<Dictionary<string, double>> BalancingDecisionsAsync(IResourceWithEndpoints gateway, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri(gateway.GetEndpoint(ServiceEndpoints.ManagementEndpointName).Url) };
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        return text.Split('\n')
            .Where(line => line.StartsWith("scalefast_gateway_balancing_decisions_total{", StringComparison.Ordinal))
            .Select(line => (Destination: Label(line, "destination"), Count: double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))
            .GroupBy(d => d.Destination)
            .ToDictionary(g => g.Key, g => g.Sum(d => d.Count));
    }

    private static string Label(string line, string name)
    {
        var start = line.IndexOf($"{name}=\"", StringComparison.Ordinal) + name.Length + 2;
        return line[start..line.IndexOf('"', start)];
    }

    /// <summary>Polls the mail sink's API until <paramref name="expected"/> emails to this run's addresses are there, or the time is up.</summary>
    private static async Task<(int Emails, TimeSpan Waited)> AwaitEmailsAsync(
        IResourceWithConnectionString mail, string run, int expected, TimeSpan limit, CancellationToken cancellationToken)
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = await mail.ConnectionStringExpression.GetValueAsync(cancellationToken) };
        var web = ((IResourceWithEndpoints)mail).GetEndpoint(Smtp4devSettings.HttpEndpointName).Url;
        using var client = new HttpClient { BaseAddress = new Uri(web) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings["Username"]}:{settings["Password"]}")));

        var started = DateTime.UtcNow;
        var emails = 0;
        while (true)
        {
            var page = await client.GetFromJsonAsync<MessagePage>(new Uri("/api/messages?pageSize=1000000", UriKind.Relative), cancellationToken);
            emails = page!.Results.Count(m => m.To.Any(to => to.Contains($"lab-{run}-", StringComparison.Ordinal)));
            if (emails >= expected || DateTime.UtcNow - started > limit)
            {
                return (emails, DateTime.UtcNow - started);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    /// <summary>Writes how far a long command has got into the resource's console log, every 5 s.</summary>
    private static Timer Progress(ILogger logger, string what, TimeSpan total)
    {
        var started = DateTime.UtcNow;
        return new Timer(_ => LogProgress(logger, what, (DateTime.UtcNow - started).TotalSeconds, total.TotalSeconds),
            null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lab: {What}, {Elapsed:0} of {Total:0} s.")]
    private static partial void LogProgress(ILogger logger, string what, double elapsed, double total);

    private static int Argument(ExecuteCommandContext context, string name, int @default, int min, int max) =>
        context.Arguments.TryGetByName(name, out var input) && int.TryParse(input.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? Math.Clamp(value, min, max)
            : @default;

    private static ExecuteCommandResult Report(string message, StringBuilder markdown) =>
        CommandResults.Success(message, new CommandResultData { Value = markdown.ToString(), Format = CommandResultFormat.Markdown, DisplayImmediately = true });

    private static CommandOptions Options(string description, string icon, params InteractionInput[] arguments) => new()
    {
        Description = description,
        IconName = icon,
        Arguments = arguments,
        Progress = new CommandProgressOptions { Message = description },
        UpdateState = context => context.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled,
    };

    private sealed record MessagePage(IReadOnlyList<MessageSummary> Results);

    private sealed record MessageSummary(IReadOnlyList<string> To);
}
