using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>Endpoints that DCP does not proxy, for local servers and the projects beside them.</summary>
[UnsupportedOSPlatform("windows")]
public static class ProxylessEndpointBuilderExtensions
{
    /// <summary>
    /// Adds an HTTP endpoint that DCP does not proxy: clients reach the process directly, one hop
    /// less on the same cores, and a stopped process refuses connections at once. DCP requires such
    /// an endpoint to name its port: <paramref name="port"/>, or else a free loopback port below the
    /// kernel's ephemeral range (which nothing asking for "any port" meanwhile can be given).
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="port">The port, or null for a free one.</param>
    /// <param name="name">The endpoint's name; by default <c>http</c>.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<T> WithProxylessHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string? name = null)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);

        var chosen = port ?? FreePorts.Next();
        return builder.WithHttpEndpoint(port: chosen, targetPort: chosen, name: name, isProxied: false);
    }
}
