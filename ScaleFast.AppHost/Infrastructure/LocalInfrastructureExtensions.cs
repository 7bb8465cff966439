using ScaleFast.AppHost.Lab;
using ScaleFast.AppHost.Local;
using ScaleFast.AppHost.Local.Postgres;
using ScaleFast.AppHost.Local.RabbitMQ;
using ScaleFast.AppHost.Local.Redis;
using ScaleFast.AppHost.Local.Smtp4dev;

namespace ScaleFast.AppHost.Infrastructure;

/// <summary>
/// The servers as local processes from installed binaries: the same names and connection strings
/// as the container integrations, and not one container resource (DCP would then require a
/// container runtime).
/// </summary>
internal static class LocalInfrastructureExtensions
{
    public static ScaleFastInfrastructure AddLocalInfrastructure(this IDistributedApplicationBuilder builder, ScaleFastOptions options)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new ScaleFastSetupException("local mode runs the servers from Linux or macOS binaries; on Windows use --ScaleFast:Infrastructure containers.");
        }

        var binaries = LocalBinaries.Require(
            [
                LocalBinary.Initdb, LocalBinary.Postgres, LocalBinary.RedisServer, LocalBinary.RabbitMQServer, LocalBinary.Epmd, LocalBinary.Prometheus,
                .. ServiceAccount.MustSwitchUser ? [LocalBinary.Setpriv] : Array.Empty<LocalBinary>(),
            ],
            Environment.GetEnvironmentVariable("PATH"));

        var dataRoot = LocalDataDirectory.Resolve(options.DataDirectory, builder.AppHostDirectory);
        LocalDataDirectory.Prepare(dataRoot, options.CleanStart, ServiceAccount.MustSwitchUser);
        var servers = new LocalServers(binaries, dataRoot);

        var database = builder.AddLocalPostgres(ResourceNames.Postgres, servers, options.DatabaseMaxConnections)
            .WithPostgresFaults()
            .AddDatabase(ResourceNames.Database);

        var redis = builder.AddLocalRedis(ResourceNames.Redis, servers)
            .WithRedisFaults();

        var rabbitmq = builder.AddLocalRabbitMQ(ResourceNames.RabbitMQ, builder.AddRabbitMQUserName(), servers)
            .WithBrokerFaults();

        var mail = builder.AddLocalSmtp4dev(ResourceNames.Mail, Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..")));

        return new ScaleFastInfrastructure(InfrastructureMode.Local, database, redis, rabbitmq, mail) { Local = servers };
    }
}
