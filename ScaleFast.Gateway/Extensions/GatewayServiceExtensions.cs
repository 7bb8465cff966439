namespace ScaleFast.Gateway.Extensions;

internal static class GatewayServiceExtensions
{
    /// <summary>
    /// YARP from the <c>ReverseProxy</c> section: the route is in appsettings.json, the destinations
    /// (<c>http://api-0</c>, …) come from the AppHost and resolve through service discovery.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();

        return builder;
    }
}
