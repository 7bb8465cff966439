using System.Globalization;
using ScaleFast.AppHost.Lab;
using ScaleFast.AppHost.Mail;
using ScaleFast.Hosting.Local;

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

        try
        {
            var servers = builder.PrepareLocalServers(new LocalServersOptions
            {
                ApplicationName = "scalefast",
                Servers = LocalServerKinds.Postgres | LocalServerKinds.Redis | LocalServerKinds.RabbitMQ | LocalServerKinds.Prometheus,
                DataDirectory = options.DataDirectory,
                CleanStart = options.CleanStart,
            });

            var database = builder.AddLocalPostgres(ResourceNames.Postgres, servers)
                .WithArgs("-c", $"max_connections={options.DatabaseMaxConnections.ToString(CultureInfo.InvariantCulture)}")
                .WithPostgresFaults()
                .AddDatabase(ResourceNames.Database);

            var redis = builder.AddLocalRedis(ResourceNames.Redis, servers)
                .WithRedisFaults();

            var rabbitmq = builder.AddLocalRabbitMQ(ResourceNames.RabbitMQ, servers, builder.AddRabbitMQUserName())
                .WithBrokerFaults();

            var mail = builder.AddLocalSmtp4dev(ResourceNames.Mail, RepositoryRoot(builder), builder.AddMailUserName(ResourceNames.Mail), MailResources.MessagesToKeep);

            return new ScaleFastInfrastructure(InfrastructureMode.Local, database, redis, rabbitmq, mail, rabbitmq.Resource.MetricsEndpoint) { Local = servers };
        }
        catch (LocalServerSetupException e)
        {
            throw new ScaleFastSetupException(
                $"{e.Message}\n(./run.sh installs and restores what local mode needs; ScaleFast:DataDirectory sets where it keeps its data; " +
                "with a container runtime, --ScaleFast:Infrastructure containers needs none of this.)", e);
        }
    }

    /// <summary>The repository's root, whose tool manifest pins smtp4dev.</summary>
    private static string RepositoryRoot(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
}
