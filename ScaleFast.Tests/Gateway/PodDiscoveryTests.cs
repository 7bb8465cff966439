using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using ScaleFast.Gateway.Discovery;
using ScaleFast.Tests.Infrastructure;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// On Kubernetes the gateway's one <c>dns+</c> destination becomes a destination per pod, followed
/// as pods come and go: an in-process gateway (the real services) over a fake name lookup.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class PodDiscoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromMilliseconds(200);
    private readonly FakeLookup _lookup = new();
    private WebApplication? _gateway;

    public async Task InitializeAsync()
    {
        _lookup.Set("api", "10.1.0.7", "10.1.0.5");

        _gateway = await InProcessGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:Enabled"] = "false",
            ["Gateway:Discovery:RefreshPeriod"] = RefreshPeriod.ToString(),
            ["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false",
            // As the Kubernetes publisher writes it: the headless Service's name, both ports.
            ["ReverseProxy:Clusters:api:Destinations:api:Address"] = "dns+http://api:8080",
            ["ReverseProxy:Clusters:api:Destinations:api:Health"] = "dns+http://api:8081",
            // A destination without the prefix stays as it is.
            ["ReverseProxy:Clusters:api:Destinations:fixed:Address"] = "http://localhost:5000",
        }, services => services.AddSingleton<IHostAddressLookup>(_lookup));
    }

    [Fact]
    public async Task Every_address_of_the_name_becomes_a_destination_with_its_own_health_address()
    {
        var destinations = await DestinationsWhenAsync(d => d.Count == 3);

        Assert.Equal("http://10.1.0.5:8080/", destinations["api[10.1.0.5]"].Address);
        Assert.Equal("http://10.1.0.5:8081/", destinations["api[10.1.0.5]"].Health);
        Assert.Equal("http://10.1.0.7:8080/", destinations["api[10.1.0.7]"].Address);
        Assert.Equal("http://10.1.0.7:8081/", destinations["api[10.1.0.7]"].Health);
        Assert.Equal("http://localhost:5000", destinations["fixed"].Address);
    }

    [Fact]
    public async Task A_pod_added_and_one_removed_are_followed_at_the_next_refresh()
    {
        await DestinationsWhenAsync(d => d.Count == 3);

        _lookup.Set("api", "10.1.0.7", "10.1.0.9");
        var changed = await DestinationsWhenAsync(d => d.ContainsKey("api[10.1.0.9]"));

        Assert.Equal(["api[10.1.0.7]", "api[10.1.0.9]", "fixed"], changed.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_name_without_addresses_leaves_no_pod_destination_until_it_has_some_again()
    {
        await DestinationsWhenAsync(d => d.Count == 3);

        _lookup.Fail("api");
        var none = await DestinationsWhenAsync(d => d.Count == 1);
        Assert.Equal(["fixed"], none.Keys);

        _lookup.Set("api", "10.1.0.8");
        await DestinationsWhenAsync(d => d.ContainsKey("api[10.1.0.8]"));
    }

    private async Task<IReadOnlyDictionary<string, DestinationConfig>> DestinationsWhenAsync(Func<IReadOnlyDictionary<string, DestinationConfig>, bool> done)
    {
        var destinations = await Eventually.ReadAsync(Destinations, done, within: RefreshPeriod * 50);
        Assert.True(done(destinations), $"Destinations now: {string.Join(", ", destinations.Keys)}");
        return destinations;
    }

    private Task<IReadOnlyDictionary<string, DestinationConfig>> Destinations()
    {
        var state = _gateway!.Services.GetRequiredService<IProxyStateLookup>();
        IReadOnlyDictionary<string, DestinationConfig> destinations = state.TryGetCluster("api", out var cluster)
            ? cluster.Destinations.ToDictionary(d => d.Key, d => d.Value.Model.Config)
            : new Dictionary<string, DestinationConfig>();
        return Task.FromResult(destinations);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    private sealed class FakeLookup : IHostAddressLookup
    {
        private readonly ConcurrentDictionary<string, IPAddress[]?> _names = new();

        public void Set(string host, params string[] addresses) => _names[host] = addresses.Select(IPAddress.Parse).ToArray();

        public void Fail(string host) => _names[host] = null;

        public Task<IPAddress[]> LookupAsync(string host, CancellationToken cancellationToken) =>
            _names.TryGetValue(host, out var addresses) && addresses is not null
                ? Task.FromResult(addresses)
                : Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}
