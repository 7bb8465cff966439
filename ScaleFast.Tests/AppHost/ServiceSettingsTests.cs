using Microsoft.Extensions.Configuration;
using ScaleFast.AppHost;
using ScaleFast.AppHost.Topology;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

/// <summary>
/// The services' knobs are set on the AppHost under the services' own sections, validated there with
/// the services' options classes, and reach the services that own them as they were written.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class ServiceSettingsTests
{
    private static readonly string[] Knobs =
    [
        "--ScaleFast:Infrastructure=containers",
        "--Catalog:CacheExpiration=00:00:30",
        "--Gateway:RateLimiting:WritesPerWindow=7",
        "--Gateway:TrustedProxies:0=10.0.0.1",
        "--Gateway:RateLimiting:KnownApiKeys:0=partner-key",
        "--Messaging:PrefetchCount=3",
        "--Outbox:BatchSize=50",
        "--Mail:From=Shop <shop@example.org>",
    ];

    [Fact]
    public async Task Each_service_gets_the_sections_it_owns_and_no_other()
    {
        var api = await ModelEnvironment.ReadAsync("api-1", Knobs);
        var worker = await ModelEnvironment.ReadAsync("worker-0", Knobs);
        var gateway = await ModelEnvironment.ReadAsync("gateway", Knobs);

        Assert.Equal("00:00:30", api["Catalog__CacheExpiration"]);
        Assert.Equal("3", worker["Messaging__PrefetchCount"]);
        Assert.Equal("50", worker["Outbox__BatchSize"]);
        Assert.Equal("Shop <shop@example.org>", worker["Mail__From"]);
        Assert.Equal("7", gateway["Gateway__RateLimiting__WritesPerWindow"]);
        Assert.Equal("10.0.0.1", gateway["Gateway__TrustedProxies__0"]);
        Assert.DoesNotContain(api.Keys, key => key.StartsWith("Messaging__", StringComparison.Ordinal) || key.StartsWith("Outbox__", StringComparison.Ordinal) || key.StartsWith("Gateway__", StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Keys, key => key.StartsWith("Catalog__", StringComparison.Ordinal) || key.StartsWith("Gateway__", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Keys, key => key.StartsWith("Catalog__", StringComparison.Ordinal) || key.StartsWith("Messaging__", StringComparison.Ordinal));

        // What the AppHost's own appsettings.json sets is forwarded like the rest.
        Assert.Equal("10000", api["DemoData__Products"]);

        // A key nobody set is left to the service's default.
        Assert.DoesNotContain("Catalog__CacheEnabled", api.Keys);

        // The admin key extends the configured list of known keys instead of replacing its first item.
        Assert.Equal("partner-key", gateway["Gateway__RateLimiting__KnownApiKeys__0"]);
        Assert.Equal("api-admin-key", Assert.IsType<ParameterResource>(gateway["Gateway__RateLimiting__KnownApiKeys__1"]).Name);
    }

    [Theory]
    [InlineData("Gateway:RateLimiting:WritesPerWindow", "0", "Gateway:RateLimiting:WritesPerWindow: must be between 1 and 1000000")]
    [InlineData("Gateway:LoadBalancing", "Fastest", "Gateway:LoadBalancing: 'Fastest' is not one of")]
    [InlineData("Catalog:LocalCacheExpiration", "00:05:00", "Catalog:LocalCacheExpiration: LocalCacheExpiration must not exceed CacheExpiration")]
    [InlineData("Messaging:ConcurrencyLimit", "many", "'Messaging:ConcurrencyLimit'")]
    [InlineData("DemoData:Products", "-1", "DemoData:Products: must be between 0 and 1000000")]
    [InlineData("Outbox:BatchSize", "0", "Outbox:BatchSize: must be between 1 and 10000")]
    [InlineData("Gateway:Discovery:RefreshPeriod", "00:00:00", "Gateway:Discovery:RefreshPeriod: must be between")]
    public void An_invalid_value_is_rejected_naming_its_full_key(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var error = Assert.Throws<ScaleFastSetupException>(() => ServiceSettings.Read(configuration));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
