using System.ComponentModel.DataAnnotations;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Topology;

namespace ScaleFast.AppHost;

/// <summary>
/// The knobs of the app model, bound from the <c>ScaleFast</c> configuration section
/// (appsettings, environment <c>ScaleFast__ApiReplicas=5</c>, or <c>--ScaleFast:ApiReplicas 5</c>).
/// The services' own knobs are not here: the AppHost forwards their sections (<see cref="Topology.ServiceSettings"/>).
/// </summary>
public sealed class ScaleFastOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "ScaleFast";

    /// <summary>How the servers run: <c>auto</c> (default), <c>containers</c> or <c>local</c>.</summary>
    public InfrastructureMode Infrastructure { get; set; } = InfrastructureMode.Auto;

    /// <summary>
    /// Container mode: the servers' images, <c>official</c> (default) or <c>local</c> (built on this
    /// machine by <c>eng/container-images.sh</c>, for machines that reach no registry).
    /// </summary>
    public ContainerImageSource ContainerImages { get; set; } = ContainerImageSource.Official;

    /// <summary>
    /// How the services start in run mode: <c>auto</c> (default: their built programs, or
    /// <c>dotnet run</c> when an IDE debugs the AppHost), <c>program</c> or <c>dotnetrun</c>.
    /// </summary>
    public ServiceLaunch ServiceLaunch { get; set; } = ServiceLaunch.Auto;

    /// <summary>Number of API instances, <c>api-0</c> … <c>api-{N-1}</c>. Default 3.</summary>
    [Range(1, 32)]
    public int ApiReplicas { get; set; } = 3;

    /// <summary>Number of worker instances, <c>worker-0</c> … <c>worker-{M-1}</c>. Default 2.</summary>
    [Range(1, 32)]
    public int WorkerReplicas { get; set; } = 2;

    /// <summary>The gateway's external HTTP port. Default 8080.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 8080;

    /// <summary>
    /// Where the servers keep their data. Local mode's default: <c>/var/lib/scalefast/&lt;app&gt;</c> as
    /// root, else <c>~/.local/share/scalefast/&lt;app&gt;</c>; data survives restarts like a container
    /// volume. Container mode: named volumes, unless this is set (then a directory per server under it).
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

    /// <summary>Local mode only: delete the servers' data before starting. Default false.</summary>
    public bool CleanStart { get; set; }
}
