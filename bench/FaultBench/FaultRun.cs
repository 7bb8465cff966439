using System.Data.Common;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Lab;

namespace ScaleFast.FaultBench;

/// <summary>
/// One started app (local mode, Production, traces 1 %), under steady load through the gateway:
/// readers of random demo products from 10,000 client addresses, and a trickle of orders. Each
/// fault is a lab command (the dashboard's), run while the load goes on.
/// </summary>
internal sealed class FaultRun : IAsyncDisposable
{
    public const int Readers = 16;
    public static readonly TimeSpan OrderInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Observation = TimeSpan.FromSeconds(15);

    private readonly DistributedApplication _app;
    private readonly DirectoryInfo _data;
    private readonly long _origin = Stopwatch.GetTimestamp();

    private FaultRun(DistributedApplication app, DirectoryInfo data)
    {
        _app = app;
        _data = data;
    }

    /// <summary>Orders accepted (201) and the confirmation emails the mail sink holds for them.</summary>
    public Deliveries Deliveries { get; private set; } = new(0, 0, 0);

    public static async Task<FaultRun> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("scalefast-faults-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleFast_AppHost>(
            [
                "--ScaleFast:Infrastructure=local",
                $"--ScaleFast:DataDirectory={data.FullName}",
                $"--ScaleFast:GatewayPort={FreePort()}",
                "--ScaleFast:TraceSampling=0.01",
            ],
            (_, settings) => settings.EnvironmentName = "Production");
        // The resources' own logs are the dashboard's business; here only the AppHost's errors.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error)
            .AddFilter("ScaleFast.AppHost.Resources", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        var app = await builder.BuildAsync();
        await app.StartAsync();
        var names = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Where(r => r is not ParameterResource && r.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _))
            .Select(r => r.Name);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await Task.WhenAll(names.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        return new FaultRun(app, data);
    }

    /// <summary>Baseline, then each fault for <paramref name="seconds"/>, each followed by <see cref="Observation"/> of recovery.</summary>
    public async Task<IReadOnlyList<FaultRow>> RunAsync(int seconds)
    {
        var gateway = new Uri(_app.GetEndpoint(ResourceNames.Gateway, "http").ToString());
        using var readers = LoadGenerator.CreateClient(gateway, Readers, TimeSpan.FromSeconds(30));
        using var writers = LoadGenerator.CreateClient(gateway, 1, TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource();
        var forever = TimeSpan.FromDays(1);
        var reads = LoadGenerator.RunAsync(readers, ReadRandomProduct, Readers, forever, stop.Token, origin: _origin);
        var orders = LoadGenerator.RunAsync(writers, PlaceOrder, 1, forever, stop.Token, OrderInterval, _origin);

        // Every demo product read once before the baseline: "cached" then means what it means in use.
        var windows = new List<(string Name, TimeSpan Start, TimeSpan End)>();
        await Task.Delay(TimeSpan.FromSeconds(20));
        windows.Add(await WindowAsync("none (baseline)", () => Task.Delay(TimeSpan.FromSeconds(seconds))));
        windows.Add(await WindowAsync($"api-1 killed (SIGKILL), restarted after {seconds} s", () => FaultAsync("api-1", FaultCommands.Kill, seconds)));
        // The Postgres faults before the Redis ones: reads while Redis is away load nothing into it,
        // and "cached" (a product Redis holds) would not mean that for the next minute.
        windows.Add(await WindowAsync($"Postgres stopped {seconds} s", () => FaultAsync(ResourceNames.Postgres, FaultCommands.StopFor, seconds)));
        windows.Add(await WindowAsync($"Postgres hung {seconds} s (SIGSTOP)", () => FaultAsync(ResourceNames.Postgres, FaultCommands.Hang, seconds)));
        windows.Add(await WindowAsync($"RabbitMQ stopped {seconds} s", () => FaultAsync(ResourceNames.RabbitMQ, FaultCommands.StopFor, seconds)));
        windows.Add(await WindowAsync($"Redis hung {seconds} s (SIGSTOP)", () => FaultAsync(ResourceNames.Redis, FaultCommands.Hang, seconds)));
        windows.Add(await WindowAsync($"Redis killed, restarted after {seconds} s", () => FaultAsync(ResourceNames.Redis, FaultCommands.Kill, seconds)));

        await stop.CancelAsync();
        var samples = (await reads).Concat(await orders).OrderBy(s => s.SentAt).ToList();
        var cached = CachedReads(samples);
        Deliveries = await CountDeliveriesAsync(samples);
        return [.. windows.Select(w => FaultRow.Of(w.Name, w.Start, w.End, samples, cached, Observation))];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server still flushing; the OS cleans temporary directories.
        }
    }

    private TimeSpan Now => Stopwatch.GetElapsedTime(_origin);

    private async Task<(string, TimeSpan, TimeSpan)> WindowAsync(string name, Func<Task> fault)
    {
        Console.Error.WriteLine($"{Now.TotalSeconds,6:0.0} s  {name}");
        var start = Now;
        await fault();
        var end = Now;
        await Task.Delay(Observation);
        return (name, start, end);
    }

    private async Task FaultAsync(string resource, string command, int seconds)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(resource, command, FaultCommands.Arguments(seconds));
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} on {resource} failed: {result.Message}");
        }
    }

    /// <summary>GET of a demo product at random, from one of 10,000 client addresses (the gateway trusts X-Forwarded-For from loopback).</summary>
    private static (HttpRequestMessage, string) ReadRandomProduct(Random random)
    {
        var id = random.Next(1, 10_001);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/products/{id}");
        request.Headers.Add("X-Forwarded-For", ClientAddress(random));
        return (request, $"read/{id}");
    }

    /// <summary>An order of one demo product, to an address of its own: its email can be counted.</summary>
    private static (HttpRequestMessage, string) PlaceOrder(Random random)
    {
        var email = $"o-{Guid.NewGuid():N}@bench.scalefast.test";
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { customerEmail = email, lines = new[] { new { productId = random.Next(1, 10_001), quantity = 1 } } }),
        };
        request.Headers.Add("X-Forwarded-For", ClientAddress(random));
        request.Headers.Add("Idempotency-Key", email);
        return (request, $"order/{email}");
    }

    private static string ClientAddress(Random random) => $"10.{random.Next(0, 100)}.{random.Next(0, 100)}.1";

    /// <summary>
    /// The reads of a product Redis held at that moment: one that a successful read had loaded less
    /// than 55 s before (Redis keeps an entry 60 s from when it was written, whatever reads it since).
    /// </summary>
    private static HashSet<LoadSample> CachedReads(IReadOnlyList<LoadSample> samples)
    {
        var loaded = new Dictionary<string, TimeSpan>();
        var cached = new HashSet<LoadSample>();
        foreach (var sample in samples.Where(s => s.Kind.StartsWith("read/", StringComparison.Ordinal)))
        {
            var held = loaded.TryGetValue(sample.Kind, out var at) && sample.SentAt - at < TimeSpan.FromSeconds(55);
            if (held)
            {
                cached.Add(sample);
            }

            // Past 60 s the entry is gone, and this read (if it succeeded) wrote it again.
            if (sample.Succeeded && (!loaded.TryGetValue(sample.Kind, out at) || sample.SentAt - at >= TimeSpan.FromSeconds(60)))
            {
                loaded[sample.Kind] = sample.SentAt + sample.Latency;
            }
        }

        return cached;
    }

    /// <summary>Waits (up to 3 min) until every accepted order has its email, then counts them.</summary>
    private async Task<Deliveries> CountDeliveriesAsync(IReadOnlyList<LoadSample> samples)
    {
        var accepted = samples.Where(s => s.Kind.StartsWith("order/", StringComparison.Ordinal) && s.Status == 201)
            .Select(s => s.Kind["order/".Length..]).ToHashSet();
        var settings = new DbConnectionStringBuilder { ConnectionString = await _app.GetConnectionStringAsync(ResourceNames.Mail) };
        using var mail = _app.CreateHttpClient(ResourceNames.Mail, "http");
        mail.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings["Username"]}:{settings["Password"]}")));

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        Dictionary<string, int> received;
        do
        {
            var page = await mail.GetFromJsonAsync<MessagePage>("/api/messages?pageSize=1000000");
            received = page!.Results.SelectMany(m => m.To).GroupBy(to => to).ToDictionary(g => g.Key, g => g.Count());
            if (accepted.All(received.ContainsKey))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        while (DateTime.UtcNow < deadline);

        return new Deliveries(accepted.Count, accepted.Count(received.ContainsKey), accepted.Sum(a => Math.Max(0, received.GetValueOrDefault(a) - 1)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record MessagePage(IReadOnlyList<MessageSummary> Results);

    private sealed record MessageSummary(IReadOnlyList<string> To);
}

/// <summary>Orders accepted, those whose email arrived, and emails beyond one per order.</summary>
internal sealed record Deliveries(int Accepted, int Delivered, int Duplicates);
