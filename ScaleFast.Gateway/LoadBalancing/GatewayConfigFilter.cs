using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace ScaleFast.Gateway.LoadBalancing;

/// <summary>Applies <see cref="GatewayOptions.LoadBalancing"/> to every cluster as YARP loads its configuration.</summary>
internal sealed class GatewayConfigFilter(IOptions<GatewayOptions> options) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) =>
        ValueTask.FromResult(cluster with { LoadBalancingPolicy = options.Value.LoadBalancing });

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
