using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace ScaleFast.Hosting.Local;

/// <summary>Adds RabbitMQ brokers that run from the installed <c>rabbitmq-server</c>.</summary>
[UnsupportedOSPlatform("windows")]
public static class LocalRabbitMQBuilderExtensions
{
    private const string NodeName = "rabbit@localhost";

    /// <summary>Erlang's distribution listener on loopback only (by default it listens on every interface).</summary>
    private const string LoopbackDistribution = "-kernel inet_dist_use_interface {127,0,0,1}";

    /// <summary>
    /// The syslog application keeps a UDP socket open to send from, bound to every interface by
    /// default, even with syslog output off: on loopback it is still a sender and receives nothing
    /// from beyond the machine.
    /// </summary>
    private const string LoopbackSyslogSocket = "-syslog protocol {rfc3164,udp,[{ip,{127,0,0,1}}]}";

    /// <summary>
    /// Adds a RabbitMQ node with the management and Prometheus plugins (the latter over mutual TLS,
    /// see <see cref="LocalRabbitMQResource.IssueMetricsClientCertificate"/>), on free loopback
    /// ports, and its own <c>epmd</c> (<c>{name}-epmd</c>) in the foreground, so that stopping the
    /// AppHost stops it too, instead of the daemon Erlang would otherwise leave behind.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name, also the name of its connection string.</param>
    /// <param name="servers">The programs and data directory, from <see cref="LocalServersBuilderExtensions.PrepareLocalServers"/>.</param>
    /// <param name="userName">The broker's user (imported with its password at every boot; there is no <c>guest</c>).</param>
    /// <returns>
    /// The broker's resource builder. Its health check opens an AMQP connection, so <c>WaitFor</c> on
    /// it waits until the broker accepts clients. The password is the parameter <c>{name}-password</c>,
    /// generated unless configured.
    /// </returns>
    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, LocalServers servers, IResourceBuilder<ParameterResource> userName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(userName);

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var broker = new LocalRabbitMQResource(name, servers.Binaries[LocalBinary.RabbitMQServer], servers.DataDirectoryOf(name), userName.Resource, password)
        {
            MetricsAuthority = LocalCertificateAuthority.Create(name),
        };
        var metricsCertificate = broker.MetricsAuthority.IssueServer(name);
        var files = new RabbitMQNodeFiles(broker.DataDirectory);
        var (amqpPort, managementPort, metricsPort, distributionPort, epmdPort) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());

        var epmd = builder.AddExecutable($"{name}-epmd", servers.Binaries[LocalBinary.Epmd], servers.DataDirectory,
                "-port", Invariant(epmdPort), "-address", "127.0.0.1")
            .WithParentRelationship(builder.CreateResourceBuilder(broker))
            .WithHealthCheck(AddTcpHealthCheck(builder, $"{name}-epmd_check", epmdPort));

        var connectionString = ConnectionStringCapture.For(builder, broker);

        var healthCheckKey = $"{name}_check";
        IConnection? connection = null;
        builder.Services.AddHealthChecks().AddRabbitMQ(
            async _ => connection ??= await new ConnectionFactory { Uri = new Uri(connectionString.Value) }.CreateConnectionAsync(),
            name: healthCheckKey);

        return builder.AddResource(broker)
            .WithEndpoint(port: amqpPort, targetPort: amqpPort, scheme: "amqp", name: LocalRabbitMQResource.PrimaryEndpointName, isProxied: false)
            .WithHttpEndpoint(port: managementPort, targetPort: managementPort, name: LocalRabbitMQResource.ManagementEndpointName, isProxied: false)
            .WithEndpoint(port: metricsPort, targetPort: metricsPort, scheme: "https", name: LocalRabbitMQResource.MetricsEndpointName, isProxied: false)
            .WithUrlForEndpoint(LocalRabbitMQResource.ManagementEndpointName, url => url.DisplayText = "Management UI")
            .WithUrlForEndpoint(LocalRabbitMQResource.MetricsEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["RABBITMQ_NODENAME"] = NodeName;
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = Invariant(amqpPort);
                env["RABBITMQ_DIST_PORT"] = Invariant(distributionPort);
                env["ERL_EPMD_PORT"] = Invariant(epmdPort);
                env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_CONFIG_FILE"] = files.ConfigurationFile;
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = files.EnabledPluginsFile;
                env["RABBITMQ_MNESIA_BASE"] = files.DatabaseDirectory;
                env["RABBITMQ_LOG_BASE"] = files.LogDirectory;
                // Logs to stdout, where the dashboard shows them.
                env["RABBITMQ_LOGS"] = "-";
                // The Erlang cookie goes to $HOME.
                env["HOME"] = broker.DataDirectory;
                // Makes the script exec the Erlang VM in place: DCP's stop signal then reaches the
                // broker itself, which shuts down cleanly.
                env["RUNNING_UNDER_SYSTEMD"] = "true";
                // No busy-waiting schedulers: on a small machine shared with the services, spinning
                // Erlang schedulers take the CPU the other processes need to start. And the Erlang
                // distribution listener and syslog's socket on loopback: RABBITMQ_NODE_IP_ADDRESS binds
                // AMQP only, and whoever reaches the distribution port with the cookie owns the VM.
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = $"+sbwt none +sbwtdcpu none +sbwtdio none {LoopbackDistribution} {LoopbackSyslogSocket}";
                // The same for the CLI tools (rabbitmqctl and friends), which start a node of their own.
                env["RABBITMQ_CTL_ERL_ARGS"] = LoopbackDistribution;
            })
            .WithIconName("Mailbox")
            .WaitFor(epmd)
            .OnBeforeResourceStarted(async (_, _, ct) =>
                await files.WriteAsync(await userName.Resource.GetValueAsync(ct) ?? string.Empty, await password.GetValueAsync(ct) ?? string.Empty, managementPort, metricsPort, metricsCertificate, ct))
            .WithHealthCheck(healthCheckKey);
    }

    private static string AddTcpHealthCheck(IDistributedApplicationBuilder builder, string key, int port)
    {
        builder.Services.AddHealthChecks().AddAsyncCheck(key, async ct =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, ct);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException e)
            {
                return HealthCheckResult.Unhealthy($"Nothing accepts connections on port {port}.", e);
            }
        });
        return key;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
