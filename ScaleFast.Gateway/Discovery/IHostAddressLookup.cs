using System.Net;

namespace ScaleFast.Gateway.Discovery;

/// <summary>Resolves a host name to its addresses; DNS in the gateway, a fake in tests.</summary>
public interface IHostAddressLookup
{
    /// <summary>Every address <paramref name="host"/> resolves to now.</summary>
    Task<IPAddress[]> LookupAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver (on Kubernetes, the cluster DNS).</summary>
internal sealed class DnsHostAddressLookup : IHostAddressLookup
{
    public Task<IPAddress[]> LookupAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
