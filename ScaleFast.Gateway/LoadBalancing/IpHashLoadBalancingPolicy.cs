using System.IO.Hashing;
using System.Net;
using System.Text;
using ScaleFast.Settings;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace ScaleFast.Gateway.LoadBalancing;

/// <summary>
/// Sends each client address to the same replica, by rendezvous (highest random weight) hashing:
/// every available destination gets a score from hash(client, destination) and the highest wins.
/// When a replica leaves, only its clients move (each to its second choice); when one joins, it
/// takes only the clients for which it now scores highest. The hash is stable across processes,
/// so two gateways agree. The client address is the connection's, or the one a trusted proxy
/// forwarded (see <c>Gateway:TrustedProxies</c>).
/// </summary>
internal sealed class IpHashLoadBalancingPolicy : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.IpHash;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        Pick(context.Connection.RemoteIpAddress, availableDestinations);

    internal static DestinationState? Pick(IPAddress? client, IReadOnlyList<DestinationState> destinations)
    {
        if (destinations.Count <= 1)
        {
            return destinations.Count == 0 ? null : destinations[0];
        }

        Span<byte> clientBytes = stackalloc byte[16];
        var clientLength = client is not null && client.TryWriteBytes(clientBytes, out var written) ? written : 0;

        DestinationState? best = null;
        var bestScore = 0UL;
        foreach (var destination in destinations)
        {
            var score = Score(clientBytes[..clientLength], destination.DestinationId);
            if (best is null || score > bestScore || (score == bestScore && string.CompareOrdinal(destination.DestinationId, best.DestinationId) < 0))
            {
                best = destination;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The client's hash seeded with the destination's: a score per (client, destination) pair.</summary>
    private static ulong Score(ReadOnlySpan<byte> client, string destinationId) =>
        XxHash3.HashToUInt64(client, seed: (long)XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(destinationId)));
}
