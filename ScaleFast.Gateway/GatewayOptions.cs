using System.ComponentModel.DataAnnotations;
using System.Net;
using ScaleFast.Gateway.LoadBalancing;

namespace ScaleFast.Gateway;

/// <summary>The gateway's knobs (section <c>Gateway</c>); the AppHost sets them from <c>ScaleFast:*</c>.</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// How the <c>api</c> cluster picks a replica: <c>RoundRobin</c> (default), <c>LeastRequests</c>,
    /// <c>PowerOfTwoChoices</c>, <c>Random</c> or <c>IpHash</c>.
    /// </summary>
    public string LoadBalancing { get; set; } = Yarp.ReverseProxy.LoadBalancing.LoadBalancingPolicies.RoundRobin;

    /// <summary>
    /// Addresses of proxies in front of the gateway whose <c>X-Forwarded-For</c> is believed (loopback
    /// always is). From anyone else the header is ignored, so a client cannot choose its own address.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!LoadBalancingPolicyNames.All.Contains(LoadBalancing))
        {
            yield return new ValidationResult(
                $"Gateway:LoadBalancing '{LoadBalancing}' is not one of {string.Join(", ", LoadBalancingPolicyNames.All)}.", [nameof(LoadBalancing)]);
        }

        foreach (var proxy in TrustedProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"Gateway:TrustedProxies: '{proxy}' is not an IP address.", [nameof(TrustedProxies)]);
        }
    }
}
