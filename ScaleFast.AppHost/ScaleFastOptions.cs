using System.ComponentModel.DataAnnotations;
using ScaleFast.AppHost.Infrastructure;

namespace ScaleFast.AppHost;

/// <summary>
/// The knobs of the app model, bound from the <c>ScaleFast</c> configuration section
/// (appsettings, environment <c>ScaleFast__ApiReplicas=5</c>, or <c>--ScaleFast:ApiReplicas 5</c>).
/// </summary>
public sealed class ScaleFastOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "ScaleFast";

    /// <summary>How the servers run: <c>auto</c> (default), <c>containers</c> or <c>local</c>.</summary>
    public InfrastructureMode Infrastructure { get; set; } = InfrastructureMode.Auto;

    /// <summary>Number of API instances, <c>api-0</c> … <c>api-{N-1}</c>. Default 3.</summary>
    [Range(1, 32)]
    public int ApiReplicas { get; set; } = 3;

    /// <summary>Number of worker instances, <c>worker-0</c> … <c>worker-{M-1}</c>. Default 2.</summary>
    [Range(1, 32)]
    public int WorkerReplicas { get; set; } = 2;

    /// <summary>Unacknowledged messages RabbitMQ hands each worker per queue ahead of time. Default 16.</summary>
    [Range(1, 10_000)]
    public int WorkerPrefetch { get; set; } = 16;

    /// <summary>Messages each worker processes at once per queue. Default 8.</summary>
    [Range(1, 1_000)]
    public int WorkerConcurrency { get; set; } = 8;

    /// <summary>How the gateway picks an API instance. Default <c>RoundRobin</c>.</summary>
    public LoadBalancingPolicy LoadBalancing { get; set; } = LoadBalancingPolicy.RoundRobin;

    /// <summary>Whether the gateway rate-limits. Default true; false only to measure what limiting costs.</summary>
    public bool RateLimiting { get; set; } = true;

    /// <summary>Reads (GET, HEAD, OPTIONS) one client may make through the gateway per window. Default 600.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitReads { get; set; } = 600;

    /// <summary>Writes one client may make through the gateway per window. Default 60.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitWrites { get; set; } = 60;

    /// <summary>The rate limiter's sliding window, in seconds. Default 60.</summary>
    [Range(1, 86_400)]
    public int RateLimitWindowSeconds { get; set; } = 60;

    /// <summary>When Redis cannot decide, refuse requests (true) instead of letting them through (false, default).</summary>
    public bool RateLimitFailClosed { get; set; }

    /// <summary>The gateway's external HTTP port. Default 8080.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 8080;

    /// <summary>
    /// Where local mode keeps the servers' data. Default: <c>/var/lib/scalefast/&lt;app&gt;</c> as root,
    /// else <c>~/.local/share/scalefast/&lt;app&gt;</c>; data survives restarts like a container volume.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>The working set above which the <c>HighMemory</c> alert fires for an instance. Default 1024 MiB.</summary>
    [Range(64, 1_048_576)]
    public int MemoryAlertMegabytes { get; set; } = 1024;

    /// <summary>
    /// Connection pool budget of the whole fleet, as a multiple of the database server's cores
    /// (the usual advice: 2–4). The AppHost divides it over the instances that use the database,
    /// at least 2 connections each. Default 4.
    /// </summary>
    [Range(1, 64)]
    public int PoolFactor { get; set; } = 4;

    /// <summary>The database server's cores, for the pool budget. Default: this machine's.</summary>
    [Range(1, 1024)]
    public int? DatabaseCores { get; set; }

    /// <summary>Postgres <c>max_connections</c>; the fleet's pools must fit under it. Default 100.</summary>
    [Range(20, 10_000)]
    public int DatabaseMaxConnections { get; set; } = 100;

    /// <summary>How long a product stays cached in Redis, in seconds. Default 60.</summary>
    [Range(1, 86_400)]
    public int ProductCacheSeconds { get; set; } = 60;

    /// <summary>Whether product reads go through the cache. Default true; false measures Postgres alone.</summary>
    public bool ProductCache { get; set; } = true;

    /// <summary>Whether services export metrics (<c>/metrics</c>, OTLP metrics). Default true; false only to measure their cost.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>
    /// The share of requests whose traces are kept (head sampling at the trace's root, then followed
    /// by every service: <c>parentbased_traceidratio</c>), from 0 to 1. Default 1: every trace, for the
    /// dashboard. Under load a small share is the usual choice: each kept request costs its
    /// services spans and the collector their intake (bench/gateway.sh).
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSampling { get; set; } = 1.0;

    /// <summary>
    /// Maps the API's and the workers' <c>/bench/*</c> endpoints that the benchmarks use. Default false.
    /// Only a benchmark build has them (<c>-p:ScaleFastBenchmarks=true</c>); the AppHost refuses the knob otherwise.
    /// </summary>
    public bool BenchmarkEndpoints { get; set; }

    /// <summary>Deterministic demo products the API makes sure exist at start. Default 10,000; 0 for none.</summary>
    [Range(0, 1_000_000)]
    public int DemoProducts { get; set; } = 10_000;

    /// <summary>Local mode only: delete the servers' data before starting. Default false.</summary>
    public bool CleanStart { get; set; }
}

/// <summary>The gateway's balancing policies (<c>ScaleFast:LoadBalancing</c>).</summary>
public enum LoadBalancingPolicy
{
    /// <summary>Each instance in turn.</summary>
    RoundRobin,

    /// <summary>The instance with the fewest requests in flight from this gateway ("least connections").</summary>
    LeastRequests,

    /// <summary>The less busy of two instances picked at random (YARP's default).</summary>
    PowerOfTwoChoices,

    /// <summary>Any instance at random.</summary>
    Random,

    /// <summary>The same instance for a client address, moving as few clients as possible when instances come and go.</summary>
    IpHash,
}
