using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using System.Runtime.Versioning;

namespace ScaleFast.AppHost.Local.Redis;

/// <summary>Adds Redis servers that run from the installed <c>redis-server</c>.</summary>
[UnsupportedOSPlatform("windows")]
internal static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// Adds a Redis server on a free loopback port with a generated password and append-only
    /// persistence in its own data directory.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, LocalServers servers)
    {
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
