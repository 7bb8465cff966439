using Microsoft.Extensions.Options;
using ScaleFast.Contracts;
using ScaleFast.Settings;
using Yarp.ReverseProxy.Configuration;

namespace ScaleFast.Gateway.LoadBalancing;

/// <summary>
/// Completes each cluster as YARP loads its configuration: <see cref="GatewayOptions.LoadBalancing"/>
/// where the cluster names no policy of its own, and the services' readiness path for active health
/// probes that name none.
/// </summary>
internal sealed class GatewayConfigFilter(IOptions<GatewayOptions> options) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) =>
        ValueTask.FromResult(cluster with
        {
            LoadBalancingPolicy = cluster.LoadBalancingPolicy ?? options.Value.LoadBalancing,
            HealthCheck = cluster.HealthCheck is { Active: { Enabled: true, Path: null } active } health
                ? health with { Active = active with { Path = ServiceEndpoints.ReadinessPath } }
                : cluster.HealthCheck,
        });

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
