using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ScaleFast.Gateway.RateLimiting;
using ScaleFast.Tests.Infrastructure.Servers;
using StackExchange.Redis;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// A redis-server of a test's own (free port, no password, no persistence), which the test may
/// stop (<c>SIGSTOP</c>: Redis hangs), resume or kill, and the limiters built on it as the gateway
/// builds them.
/// </summary>
internal sealed class LocalRedisServer : IAsyncDisposable
{
    private readonly ServerProcess _server;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly List<IAsyncDisposable> _limiters = [];

    private LocalRedisServer(ServerProcess server) => _server = server;

    public int Port => _server.Port;

    /// <summary>The gateway's connection settings: a missing connection fails at once.</summary>
    public ConfigurationOptions Configuration
    {
        get
        {
            var configuration = ConfigurationOptions.Parse($"127.0.0.1:{Port},abortConnect=false,connectTimeout=1000");
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            return configuration;
        }
    }

    public IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    /// <summary>The server's directory, where its append-only files go when it keeps them.</summary>
    public string Directory => _server.DirectoryPath;

    /// <param name="appendOnly">Whether it keeps an append-only file, as the app's Redis does.</param>
    public static async Task<LocalRedisServer> StartAsync(bool appendOnly = false)
    {
        var port = ScaleFast.Hosting.Local.FreePorts.Next();
        var directory = ServerProcess.CreateDirectory("redis");
        var server = await ServerProcess.StartAsync(directory, port, "redis-server",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--dir", directory.FullName);
        return new LocalRedisServer(server);
    }

    /// <summary>
    /// A limiter (its own connection and batch loop) as a gateway would have it; by default with a
    /// timeout that a loaded machine does not reach, for the tests of its decisions.
    /// </summary>
    public async Task<RedisDecisionBatcher> CreateLimiterAsync(TimeSpan window, TimeSpan? timeout = null, Func<long>? clock = null, int maxPending = RedisDecisionBatcher.MaxPendingDecisions) =>
        (await CreateBatcherAsync(window, timeout, clock, maxPending)).Batcher;

    /// <summary>
    /// A gateway's leases on their own limiter. With a <paramref name="clock"/> of the test's, they
    /// are given back only when the test says (<see cref="ClientLeases.GiveBackExpired"/>).
    /// </summary>
    public async Task<ClientLeases> CreateLeasesAsync(TimeSpan window, Func<long>? clock = null, TimeSpan? timeout = null)
    {
        var (buckets, batcher) = await CreateBatcherAsync(window, timeout, clock, RedisDecisionBatcher.MaxPendingDecisions);
        var leases = new ClientLeases(buckets, batcher, clock is null ? RateLimitingExtensions.SweepPeriod : Timeout.InfiniteTimeSpan);
        _limiters.Add(leases);
        return leases;
    }

    /// <summary>Script calls Redis has run so far (each is one batch).</summary>
    public Task<long> ScriptCallsAsync() => RunAsync(async db =>
    {
        var info = (string)(await db.ExecuteAsync("INFO", "commandstats"))!;
        return info.Split('\n')
            .Where(line => line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal) || line.StartsWith("cmdstat_eval:", StringComparison.Ordinal))
            .Sum(line => long.Parse(line.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture));
    });

    /// <summary>Its own connection, the state in Redis on it, and the batch loop; disposed with the server, loop first.</summary>
    private async Task<(SlidingWindowBuckets Buckets, RedisDecisionBatcher Batcher)> CreateBatcherAsync(TimeSpan window, TimeSpan? timeout, Func<long>? clock, int maxPending)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(Configuration);
        var options = new ScaleFast.Settings.RateLimitingOptions { Window = window, RedisTimeout = timeout ?? TimeSpan.FromSeconds(10) };
        var buckets = new SlidingWindowBuckets(connection, window, clock);
        var batcher = new RedisDecisionBatcher(buckets, options, MeterFactory, NullLogger<RedisDecisionBatcher>.Instance, maxPending);
        _limiters.Add(connection);
        _limiters.Add(batcher);
        return (buckets, batcher);
    }

    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> command)
    {
        using var client = await ConnectionMultiplexer.ConnectAsync(Configuration);
        return await command(client.GetDatabase());
    }

    /// <summary>Redis hangs: it keeps its connections and answers nothing.</summary>
    public Task PauseAsync() => _server.SignalAsync("-STOP");

    public Task ResumeAsync() => _server.SignalAsync("-CONT");

    /// <summary>Redis is gone: its port refuses connections.</summary>
    public Task KillAsync() => _server.KillAsync();

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            await ResumeAsync();
        }

        foreach (var limiter in Enumerable.Reverse(_limiters))
        {
            await limiter.DisposeAsync();
        }

        await _server.DisposeAsync();
        await _services.DisposeAsync();
    }
}
