using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ScaleFast.Settings;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace ScaleFast.Gateway.Discovery;

/// <summary>
/// Turns each <c>dns+</c> destination into one destination per address its host resolves to, and
/// asks YARP to resolve again every <see cref="PodDiscoveryOptions.RefreshPeriod"/>: on Kubernetes,
/// the headless Service of <c>api</c> resolves to its ready pods, so balancing, active health
/// checks and retries see every pod (a ClusterIP Service would hide them behind one address).
/// Other destinations pass through unchanged, so local mode resolves nothing.
/// </summary>
/// <remarks>
/// YARP's own <c>AddDnsDestinationResolver</c> resolves every destination (it would split a local
/// <c>localhost</c> destination in two) and fails when a name has no address; a Service with no
/// ready pod here gives no destination (the gateway's 503) until the next refresh.
/// </remarks>
internal sealed partial class PodDestinationResolver(
    IHostAddressLookup lookup, IOptionsMonitor<PodDiscoveryOptions> options, ILogger<PodDestinationResolver> logger) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var discovering = false;
        foreach (var (id, destination) in destinations)
        {
            if (!IsDiscovered(destination.Address))
            {
                resolved[id] = destination;
                continue;
            }

            discovering = true;
            foreach (var (podId, pod) in await ResolvePodsAsync(id, destination, cancellationToken))
            {
                resolved[podId] = pod;
            }
        }

        var changeToken = discovering
            ? new CancellationChangeToken(new CancellationTokenSource(options.CurrentValue.RefreshPeriod).Token)
            : null;
        return new ResolvedDestinationCollection(resolved, changeToken);
    }

    internal static bool IsDiscovered(string? address) =>
        address is not null && address.StartsWith(PodDiscoveryOptions.DnsSchemePrefix, StringComparison.OrdinalIgnoreCase);

    private async Task<IEnumerable<(string Id, DestinationConfig Pod)>> ResolvePodsAsync(
        string id, DestinationConfig destination, CancellationToken cancellationToken)
    {
        var address = WithoutPrefix(destination.Address)!;
        var host = address.DnsSafeHost;
        System.Net.IPAddress[] addresses;
        try
        {
            addresses = await lookup.LookupAsync(host, cancellationToken);
        }
        catch (SocketException e)
        {
            // No ready pod (NXDOMAIN for a headless Service without endpoints) or DNS away: no
            // destination until the next refresh, rather than a failed configuration.
            LogLookupFailed(logger, host, e.SocketErrorCode);
            addresses = [];
        }

        var health = WithoutPrefix(destination.Health);
        return addresses.Distinct().OrderBy(ip => ip.ToString(), StringComparer.Ordinal)
            .Select(ip => ($"{id}[{ip}]", destination with
            {
                Address = WithHost(address, ip),
                Health = health is null ? destination.Health : WithHost(health, ip),
            }));
    }

    private static Uri? WithoutPrefix(string? address) =>
        address is null ? null : new Uri(IsDiscovered(address) ? address[PodDiscoveryOptions.DnsSchemePrefix.Length..] : address);

    private static string WithHost(Uri uri, System.Net.IPAddress ip) => new UriBuilder(uri) { Host = ip.ToString() }.Uri.ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod discovery: '{Host}' did not resolve ({Error}); no destination for it until the next refresh.")]
    private static partial void LogLookupFailed(ILogger logger, string host, SocketError error);
}
