namespace ScaleFast.AppHost.Infrastructure;

/// <summary>The servers as the official Aspire container integrations, with data volumes.</summary>
internal static class ContainerInfrastructureExtensions
{
    public static ScaleFastInfrastructure AddContainerInfrastructure(this IDistributedApplicationBuilder builder, ScaleFastOptions options)
    {
        var database = builder.AddPostgres(ResourceNames.Postgres)
            .WithDataVolume()
            .WithArgs("-c", $"max_connections={options.DatabaseMaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
            .AddDatabase(ResourceNames.Database);

        var redis = builder.AddRedis(ResourceNames.Redis)
            .WithDataVolume();

        var rabbitmq = builder.AddRabbitMQ(ResourceNames.RabbitMQ, userName: builder.AddRabbitMQUserName())
            .WithDataVolume()
            .WithManagementPlugin();

        return new ScaleFastInfrastructure(InfrastructureMode.Containers, database, redis, rabbitmq);
    }

    /// <summary>The broker's user in every mode: not the default <c>guest</c>.</summary>
    public static IResourceBuilder<ParameterResource> AddRabbitMQUserName(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter($"{ResourceNames.RabbitMQ}-username", "scalefast");
}
