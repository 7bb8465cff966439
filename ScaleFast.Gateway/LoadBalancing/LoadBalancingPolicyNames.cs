using Yarp.ReverseProxy.LoadBalancing;

namespace ScaleFast.Gateway.LoadBalancing;

/// <summary>The balancing policies the gateway offers: YARP's own and ScaleFast's <see cref="IpHash"/>.</summary>
public static class LoadBalancingPolicyNames
{
    /// <summary>Each client address to one replica, by rendezvous hashing (<see cref="IpHashLoadBalancingPolicy"/>).</summary>
    public const string IpHash = "IpHash";

    /// <summary>Every policy <c>Gateway:LoadBalancing</c> accepts.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        LoadBalancingPolicies.RoundRobin,
        LoadBalancingPolicies.LeastRequests,
        LoadBalancingPolicies.PowerOfTwoChoices,
        LoadBalancingPolicies.Random,
        IpHash,
    ];
}
