namespace ScaleFast.Settings;

/// <summary>
/// The balancing policies the gateway offers: YARP's own (the names of YARP's
/// <c>LoadBalancingPolicies</c>, which <c>LoadBalancingPolicyNamesTests</c> holds them to) and
/// ScaleFast's <see cref="IpHash"/>. Plain strings, so that the AppHost compiles this file too and
/// validates <c>Gateway:LoadBalancing</c> without YARP.
/// </summary>
public static class LoadBalancingPolicyNames
{
    /// <summary>Each replica in turn.</summary>
    public const string RoundRobin = "RoundRobin";

    /// <summary>The replica with the fewest requests in flight from this gateway.</summary>
    public const string LeastRequests = "LeastRequests";

    /// <summary>The less busy of two replicas picked at random.</summary>
    public const string PowerOfTwoChoices = "PowerOfTwoChoices";

    /// <summary>Any replica at random.</summary>
    public const string Random = "Random";

    /// <summary>Each client address to one replica, by rendezvous hashing (<c>IpHashLoadBalancingPolicy</c>).</summary>
    public const string IpHash = "IpHash";

    /// <summary>Every policy <c>Gateway:LoadBalancing</c> accepts.</summary>
    public static readonly IReadOnlyList<string> All = [RoundRobin, LeastRequests, PowerOfTwoChoices, Random, IpHash];
}
