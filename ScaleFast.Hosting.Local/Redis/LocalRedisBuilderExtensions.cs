using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;

namespace ScaleFast.Hosting.Local;

/// <summary>Adds Redis servers that run from the installed <c>redis-server</c>.</summary>
[UnsupportedOSPlatform("windows")]
public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// Adds a Redis server on a free loopback port with a password (the parameter
    /// <c>{name}-password</c>, generated unless configured) and append-only persistence in its own
    /// data directory.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name, also the name of its connection string.</param>
    /// <param name="servers">The programs and data directory, from <see cref="LocalServersBuilderExtensions.PrepareLocalServers"/>.</param>
    /// <returns>The server's resource builder. Its health check pings Redis, so <c>WaitFor</c> on it waits until it answers.</returns>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, LocalServers servers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(servers);

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, servers.Binaries[LocalBinary.RedisServer], servers.DataDirectoryOf(name), password);
        var port = FreePorts.Next();

        var connectionString = ConnectionStringCapture.For(builder, redis);

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString.Value, name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalRedisResource.PrimaryEndpointName, isProxied: false)
            .WithArgs(redis.ConfigurationFile)
            .WithIconName("Memory")
            .OnBeforeResourceStarted(async (resource, _, ct) =>
            {
                Directory.CreateDirectory(resource.DataDirectory);
                // The password lives in a file only the owner can read, not on the command line.
                await LocalServers.WriteSecretFileAsync(resource.ConfigurationFile, string.Join('\n',
                [
                    $"port {port.ToString(CultureInfo.InvariantCulture)}",
                    "bind 127.0.0.1",
                    "protected-mode yes",
                    $"requirepass {await password.GetValueAsync(ct)}",
                    $"dir {resource.DataDirectory}",
                    "appendonly yes",
                    "daemonize no",
                    "",
                ]), ct);
            })
            .WithHealthCheck(healthCheckKey);
    }
}
