using ScaleFast.AppHost.Mail;
using ScaleFast.AppHost.Monitoring;
using ScaleFast.Hosting.Local;

namespace ScaleFast.AppHost.Infrastructure;

/// <summary>The servers as the official Aspire container integrations, with data volumes.</summary>
internal static class ContainerInfrastructureExtensions
{
    private const string Smtp4devImage = "rnwood/smtp4dev";
    private const string Smtp4devTag = "3.15.0";

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
            .WithManagementPlugin()
            // The image enables rabbitmq_prometheus; its port is not published unless asked for.
            .WithHttpEndpoint(targetPort: BrokerMetrics.ContainerPort, name: BrokerMetrics.EndpointName);

        var mailUserName = builder.AddMailUserName(ResourceNames.Mail);
        var mailPassword = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{ResourceNames.Mail}-password", special: false);
        var mail = builder.AddResource(new Smtp4devContainerResource(ResourceNames.Mail, mailUserName.Resource, mailPassword))
            .WithImage(Smtp4devImage, Smtp4devTag)
            .WithSmtp4devSettings(mailUserName.Resource, mailPassword, MailResources.MessagesToKeep)
            .WithEndpoint(targetPort: 25, scheme: "smtp", name: Smtp4devSettings.SmtpEndpointName)
            .WithHttpEndpoint(targetPort: 80, name: Smtp4devSettings.HttpEndpointName)
            .WithUrlForEndpoint(Smtp4devSettings.HttpEndpointName, url => url.DisplayText = "Mail (smtp4dev)")
            .WithHttpHealthCheck("/api/messages", statusCode: 401, endpointName: Smtp4devSettings.HttpEndpointName);

        return new ScaleFastInfrastructure(InfrastructureMode.Containers, database, redis, rabbitmq, mail, rabbitmq.GetEndpoint(BrokerMetrics.EndpointName));
    }

    /// <summary>The broker's user in every mode: not the default <c>guest</c>.</summary>
    public static IResourceBuilder<ParameterResource> AddRabbitMQUserName(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter($"{ResourceNames.RabbitMQ}-username", "scalefast");
}
