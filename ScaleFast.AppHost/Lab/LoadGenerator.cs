using System.Diagnostics;

namespace ScaleFast.AppHost.Lab;

/// <summary>One response the load generator saw: when it was sent, how long it took, its status (0: no response).</summary>
/// <param name="SentAt">Since the run started.</param>
/// <param name="Latency">Until the whole response was read.</param>
/// <param name="Status">The HTTP status, or 0 when the request failed without one (refused, reset, timed out).</param>
/// <param name="Kind">What was sent: the generator's caller names its request kinds.</param>
public readonly record struct LoadSample(TimeSpan SentAt, TimeSpan Latency, int Status, string Kind)
{
    /// <summary>A 2xx or 3xx answer.</summary>
    public bool Succeeded => Status is >= 200 and < 400;
}

/// <summary>
/// A closed-loop HTTP load generator: <c>concurrency</c> workers each send a request, read the
/// whole response and send the next, for a while; every response is kept as a <see cref="LoadSample"/>.
/// It is what the dashboard's lab commands and <c>bench/faults.sh</c> load the gateway with.
/// </summary>
public static class LoadGenerator
{
    /// <summary>A client for load: as many connections as workers, nothing in between (no proxy, no cookies, no redirects).</summary>
    public static HttpClient CreateClient(Uri baseAddress, int concurrency, TimeSpan requestTimeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = baseAddress,
            Timeout = requestTimeout,
        };

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers until <paramref name="duration"/> has passed or
    /// <paramref name="cancellationToken"/> is cancelled. <paramref name="next"/> makes each request
    /// (given a per-worker random source) and names its kind. With <paramref name="interval"/>, each
    /// worker sends at most one request per interval (a steady trickle instead of all it can).
    /// Samples' times count from <paramref name="origin"/> (a <see cref="Stopwatch"/> timestamp), by
    /// default the start of this run.
    /// </summary>
    public static async Task<IReadOnlyList<LoadSample>> RunAsync(
        HttpClient client,
        Func<Random, (HttpRequestMessage Request, string Kind)> next,
        int concurrency,
        TimeSpan duration,
        CancellationToken cancellationToken,
        TimeSpan? interval = null,
        long? origin = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);

        var started = origin ?? Stopwatch.GetTimestamp();
        var until = Stopwatch.GetElapsedTime(started) + duration;
        var samples = new List<LoadSample>[concurrency];
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = samples[worker] = [];
            var random = new Random(worker * 7919 + Environment.ProcessId);
            while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < until)
            {
                var (request, kind) = next(random);
                var sentAt = Stopwatch.GetElapsedTime(started);
                int status;
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    status = (int)response.StatusCode;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                finally
                {
                    request.Dispose();
                }

                mine.Add(new LoadSample(sentAt, Stopwatch.GetElapsedTime(started) - sentAt, status, kind));
                if (interval is { } pause && sentAt + pause - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } wait)
                {
                    try
                    {
                        await Task.Delay(wait, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }, CancellationToken.None)));

        return [.. samples.SelectMany(s => s).OrderBy(s => s.SentAt)];
    }
}

/// <summary>What a set of <see cref="LoadSample"/>s adds up to.</summary>
/// <param name="Requests">Responses seen (and requests that got none).</param>
/// <param name="PerSecond">Requests per second over <c>duration</c>.</param>
/// <param name="P50">Median latency.</param>
/// <param name="P99">99th percentile latency.</param>
/// <param name="Statuses">Requests by HTTP status (0: no response).</param>
public sealed record LoadSummary(int Requests, double PerSecond, TimeSpan P50, TimeSpan P99, IReadOnlyDictionary<int, int> Statuses)
{
    /// <summary>Requests answered 4xx or 5xx, or not at all.</summary>
    public int Failed => Statuses.Where(s => s.Key is 0 or >= 400).Sum(s => s.Value);

    /// <summary>The summary of <paramref name="samples"/>, sent over <paramref name="duration"/>.</summary>
    public static LoadSummary Of(IReadOnlyCollection<LoadSample> samples, TimeSpan duration)
    {
        var latencies = samples.Select(s => s.Latency).Order().ToList();
        return new LoadSummary(
            samples.Count,
            duration > TimeSpan.Zero ? samples.Count / duration.TotalSeconds : 0,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            samples.GroupBy(s => s.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Statuses as "200: 9,512, 503: 3".</summary>
    public string StatusText => string.Join(", ", Statuses.Select(s => $"{(s.Key == 0 ? "no response" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {s.Value:N0}"));

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
