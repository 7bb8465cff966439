using System.ComponentModel.DataAnnotations;
using System.Net;

namespace ScaleFast.Settings;

/// <summary>
/// The gateway's knobs (section <c>Gateway</c>). The AppHost forwards its own <c>Gateway</c> section to
/// the gateway and validates it with this class at start.
/// </summary>
public sealed class GatewayOptions : IValidatableObject
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Gateway";

    /// <summary>
    /// How the <c>api</c> cluster picks a replica: <c>RoundRobin</c> (default), <c>LeastRequests</c>,
    /// <c>PowerOfTwoChoices</c>, <c>Random</c> or <c>IpHash</c>.
    /// </summary>
    public string LoadBalancing { get; set; } = LoadBalancingPolicyNames.RoundRobin;

    /// <summary>
    /// Addresses of proxies in front of the gateway whose <c>X-Forwarded-For</c> is believed (loopback
    /// always is). From anyone else the header is ignored, so a client cannot choose its own address.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!LoadBalancingPolicyNames.All.Contains(LoadBalancing))
        {
            yield return new ValidationResult(
                $"'{LoadBalancing}' is not one of {string.Join(", ", LoadBalancingPolicyNames.All)}.", [nameof(LoadBalancing)]);
        }

        foreach (var proxy in TrustedProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"'{proxy}' is not an IP address.", [nameof(TrustedProxies)]);
        }
    }
}
