using ScaleFast.Settings;
using Yarp.ReverseProxy.LoadBalancing;

namespace ScaleFast.Tests.Gateway;

/// <summary>The names the gateway (and the AppHost, which validates them) accept are YARP's own.</summary>
[Trait("Tier", "Fast")]
public sealed class LoadBalancingPolicyNamesTests
{
    [Fact]
    public void The_policy_names_are_yarps()
    {
        Assert.Equal(
            [LoadBalancingPolicies.RoundRobin, LoadBalancingPolicies.LeastRequests, LoadBalancingPolicies.PowerOfTwoChoices, LoadBalancingPolicies.Random, LoadBalancingPolicyNames.IpHash],
            LoadBalancingPolicyNames.All);
    }
}
