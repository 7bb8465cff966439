using Microsoft.Extensions.Configuration;
using ScaleFast.Settings;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// The services' own knobs as the AppHost's configuration sets them, under the sections the services
/// read (<c>--Gateway:RateLimiting:WritesPerWindow 5</c>). They are bound and validated once, at start,
/// with the services' own options classes (ScaleFast.Settings), so that a bad value stops the
/// AppHost with its key named; the AppHost forwards the sections as they are and reads these objects
/// where it needs a value itself, never a default of its own.
/// </summary>
internal sealed class ServiceSettings
{
    /// <summary>The sections each API instance gets.</summary>
    public static readonly string[] ApiSections = [CatalogOptions.SectionName, DemoDataOptions.SectionName, BenchmarkOptions.SectionName];

    /// <summary>The sections each worker gets.</summary>
    public static readonly string[] WorkerSections = [MessagingOptions.SectionName, OutboxOptions.SectionName, MailOptions.SectionName, BenchmarkOptions.SectionName];

    /// <summary>The sections the gateway gets (<c>Gateway:RateLimiting</c> is inside <c>Gateway</c>).</summary>
    public static readonly string[] GatewaySections = [GatewayOptions.SectionName];

    private ServiceSettings(IConfiguration configuration)
    {
        Catalog = ScaleFastOptionsReader.Read<CatalogOptions>(configuration, CatalogOptions.SectionName);
        DemoData = ScaleFastOptionsReader.Read<DemoDataOptions>(configuration, DemoDataOptions.SectionName);
        Benchmark = ScaleFastOptionsReader.Read<BenchmarkOptions>(configuration, BenchmarkOptions.SectionName);
        Messaging = ScaleFastOptionsReader.Read<MessagingOptions>(configuration, MessagingOptions.SectionName);
        Outbox = ScaleFastOptionsReader.Read<OutboxOptions>(configuration, OutboxOptions.SectionName);
        Mail = ScaleFastOptionsReader.Read<MailOptions>(configuration, MailOptions.SectionName);
        Discovery = ScaleFastOptionsReader.Read<PodDiscoveryOptions>(configuration, PodDiscoveryOptions.SectionName);
        Gateway = ScaleFastOptionsReader.Read<GatewayOptions>(configuration, GatewayOptions.SectionName);
        RateLimiting = ScaleFastOptionsReader.Read<RateLimitingOptions>(configuration, RateLimitingOptions.SectionName);
    }

    public CatalogOptions Catalog { get; }

    public DemoDataOptions DemoData { get; }

    public BenchmarkOptions Benchmark { get; }

    public MessagingOptions Messaging { get; }

    public OutboxOptions Outbox { get; }

    public MailOptions Mail { get; }

    public GatewayOptions Gateway { get; }

    public RateLimitingOptions RateLimiting { get; }

    public PodDiscoveryOptions Discovery { get; }

    /// <summary>Reads and validates every section the services own.</summary>
    /// <exception cref="ScaleFastSetupException">A value is invalid; the message names its key.</exception>
    public static ServiceSettings Read(IConfiguration configuration) => new(configuration);
}
