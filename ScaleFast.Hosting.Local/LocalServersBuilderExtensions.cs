using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>Prepares what the local server resources share: their programs and their data directory.</summary>
[UnsupportedOSPlatform("windows")]
public static class LocalServersBuilderExtensions
{
    /// <summary>
    /// Finds the programs of <see cref="LocalServersOptions.Servers"/> (all missing ones named in one
    /// message) and makes the data directory, which, like a container volume, outlives the AppHost.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="options">Which servers run, and where their data lives.</param>
    /// <returns>What <c>AddLocalPostgres</c>, <c>AddLocalRedis</c>, <c>AddLocalRabbitMQ</c> and <c>AddLocalPrometheus</c> take.</returns>
    /// <exception cref="LocalServerSetupException">A program is missing, or a server's system user could not enter the data directory.</exception>
    public static LocalServers PrepareLocalServers(this IDistributedApplicationBuilder builder, LocalServersOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        var binaries = LocalBinaries.Require(LocalBinary.For(options.Servers, ServiceAccount.MustSwitchUser), Environment.GetEnvironmentVariable("PATH"));

        var dataDirectory = LocalDataDirectory.Resolve(options.DataDirectory, builder.AppHostDirectory, options.ApplicationName);
        LocalDataDirectory.Prepare(dataDirectory, options.CleanStart, ServiceAccount.MustSwitchUser, options.ApplicationName);
        return new LocalServers(binaries, dataDirectory);
    }
}
