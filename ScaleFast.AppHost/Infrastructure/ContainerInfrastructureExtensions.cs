using ScaleFast.AppHost.Mail;
using ScaleFast.AppHost.Monitoring;
using ScaleFast.Hosting.Local;

namespace ScaleFast.AppHost.Infrastructure;

/// <summary>
/// The servers as the official Aspire container integrations, with data volumes; their images are the
/// official ones or, with <see cref="ContainerImageSource.Local"/>, those built on this machine.
/// </summary>
internal static class ContainerInfrastructureExtensions
{
    private const string Smtp4devImage = "rnwood/smtp4dev";
    private const string Smtp4devTag = "3.15.0";

    public static ScaleFastInfrastructure AddContainerInfrastructure(this IDistributedApplicationBuilder builder, ScaleFastOptions options)
    {
        var images = options.ContainerImages;
        var postgres = builder.AddPostgres(ResourceNames.Postgres)
            .WithImageFrom(images, LocalContainerImages.Postgres)
            .WithData(options, (server, directory) => server.WithDataBindMount(directory), server => server.WithDataVolume())
            .WithArgs("-c", $"max_connections={options.DatabaseMaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (builder.ExecutionContext.IsPublishMode)
        {
            // Running, the AppHost creates the database once the server is ready; deployed, nothing
            // does: the image creates it at its first start.
            postgres.WithEnvironment("POSTGRES_DB", ResourceNames.Database);
        }

        var database = postgres.AddDatabase(ResourceNames.Database);

        var redis = builder.AddRedis(ResourceNames.Redis)
            .WithImageFrom(images, LocalContainerImages.Redis)
            .WithData(options, (server, directory) => server.WithDataBindMount(directory), server => server.WithDataVolume());

        var rabbitmq = builder.AddRabbitMQ(ResourceNames.RabbitMQ, userName: builder.AddRabbitMQUserName())
            .WithData(options, (server, directory) => server.WithDataBindMount(directory), server => server.WithDataVolume())
            // The plugin is added to the official image's tag, so before the image is replaced.
            .WithManagementPlugin()
            .WithImageFrom(images, LocalContainerImages.RabbitMQ);
        if (builder.ExecutionContext.IsPublishMode)
        {
            // The image's rabbitmq_prometheus, a port of the broker's Service for the cluster's Prometheus.
            // Running, the metrics stay on the container network (BrokerMetrics.OnContainerNetwork).
            rabbitmq.WithHttpEndpoint(targetPort: BrokerMetrics.ContainerPort, name: BrokerMetrics.EndpointName);
        }

        var mailUserName = builder.AddMailUserName(ResourceNames.Mail);
        var mailPassword = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{ResourceNames.Mail}-password", special: false);
        var mail = builder.AddResource(new Smtp4devContainerResource(ResourceNames.Mail, mailUserName.Resource, mailPassword))
            .WithImage(Smtp4devImage, Smtp4devTag)
            .WithImageFrom(images, LocalContainerImages.Smtp4dev)
            .WithSmtp4devSettings(mailUserName.Resource, mailPassword, MailResources.MessagesToKeep)
            .WithEndpoint(targetPort: 25, scheme: "smtp", name: Smtp4devSettings.SmtpEndpointName)
            .WithHttpEndpoint(targetPort: 80, name: Smtp4devSettings.HttpEndpointName)
            .WithUrlForEndpoint(Smtp4devSettings.HttpEndpointName, url => url.DisplayText = "Mail (smtp4dev)")
            .WithHttpHealthCheck("/api/messages", statusCode: 401, endpointName: Smtp4devSettings.HttpEndpointName);

        return new ScaleFastInfrastructure(InfrastructureMode.Containers, database, redis, rabbitmq, mail, BrokerMetrics: null);
    }

    /// <summary>
    /// The server's data in a named volume, or, when <see cref="ScaleFastOptions.DataDirectory"/> is set,
    /// in its own directory under it (bind-mounted): throw-away data for a test, kept apart from the volumes.
    /// </summary>
    public static IResourceBuilder<T> WithData<T>(
        this IResourceBuilder<T> server, ScaleFastOptions options,
        Func<IResourceBuilder<T>, string, IResourceBuilder<T>> bindMount, Func<IResourceBuilder<T>, IResourceBuilder<T>> volume)
        where T : ContainerResource
    {
        if (options.DataDirectory is not { Length: > 0 } root || server.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return volume(server);
        }

        var directory = Path.GetFullPath(Path.Combine(root, server.Resource.Name));
        Directory.CreateDirectory(directory);
        return bindMount(server, directory);
    }

    /// <summary>The broker's user in every mode: not the default <c>guest</c>.</summary>
    public static IResourceBuilder<ParameterResource> AddRabbitMQUserName(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter($"{ResourceNames.RabbitMQ}-username", "scalefast");
}
