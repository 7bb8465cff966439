using ScaleFast.Settings;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace ScaleFast.Gateway.Discovery;

internal static class PodDiscoveryExtensions
{
    /// <summary>Resolves <c>dns+</c> destinations into one destination per pod (see <see cref="PodDestinationResolver"/>).</summary>
    public static IHostApplicationBuilder AddPodDiscovery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PodDiscoveryOptions>()
            .BindConfiguration(PodDiscoveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IHostAddressLookup, DnsHostAddressLookup>();
        builder.Services.AddSingleton<IDestinationResolver, PodDestinationResolver>();
        return builder;
    }
}
