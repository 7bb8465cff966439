using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ScaleFast.Hosting.Local;

/// <summary>Adds PostgreSQL servers and databases that run from the installed binaries.</summary>
[UnsupportedOSPlatform("windows")]
public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// The AppHost's own connections (health checks, creating databases) are not pooled: DCP stops
    /// the server with SIGTERM, a smart shutdown that waits for every client to leave, and an idle
    /// pooled connection in an AppHost that outlives the app (a test host) never leaves, so the
    /// server was killed 6 s later instead of shutting down cleanly. A probe that opens a fresh
    /// connection also checks what a new client gets.
    /// </summary>
    private const string Unpooled = ";Pooling=false";

    /// <summary>
    /// Adds a PostgreSQL server: <c>initdb</c> once into its data directory with password
    /// authentication (scram-sha-256, never trust), then <c>postgres</c> on a free loopback port.
    /// Its superuser password is the parameter <c>{name}-password</c>, generated unless configured,
    /// and set at every start, so a new password never locks the AppHost out of kept data.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="servers">The programs and data directory, from <see cref="LocalServersBuilderExtensions.PrepareLocalServers"/>.</param>
    /// <returns>The server's resource builder; more server settings go in with <c>WithArgs("-c", "setting=value")</c>.</returns>
    /// <remarks>
    /// The resource has a health check that opens a connection, so <c>WaitFor</c> on it waits until
    /// the server accepts connections. As root, the server runs as the <c>postgres</c> system user.
    /// </remarks>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, LocalServers servers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(servers);

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var account = ServiceAccount.ForRootRefusingServer("postgres", servers.Binaries);
        var dataDirectory = servers.DataDirectoryOf(name);
        var port = FreePorts.Next();

        var (command, arguments) = account.Wrap(servers.Binaries[LocalBinary.Postgres],
        [
            "-D", dataDirectory,
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            // TCP only: no socket file in a system directory the server's user may not own.
            "-c", "unix_socket_directories=",
        ]);

        var server = new LocalPostgresServerResource(name, command, dataDirectory, password);
        var cluster = new LocalPostgresCluster(servers.Binaries, account, dataDirectory);

        var connectionString = ConnectionStringCapture.For(builder, server);

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString.Value + ";Database=postgres" + Unpooled, name: healthCheckKey);

        return builder.AddResource(server)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalPostgresServerResource.PrimaryEndpointName, isProxied: false)
            .WithArgs([.. arguments])
            .WithIconName("DatabaseMultiple")
            .OnBeforeResourceStarted(async (_, _, ct) =>
                await cluster.PrepareAsync(await password.GetValueAsync(ct) ?? string.Empty, ct))
            .OnResourceReady(async (resource, _, ct) =>
                await CreateDatabasesAsync(resource, connectionString.Value, ct))
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>Adds a database, created on the server when the server is ready.</summary>
    /// <param name="builder">The server's resource builder.</param>
    /// <param name="name">The resource name, also the name of its connection string.</param>
    /// <param name="databaseName">The database name in PostgreSQL; by default <paramref name="name"/>.</param>
    /// <returns>The database's resource builder: healthy once the database exists and takes connections.</returns>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);

        databaseName ??= name;
        var database = new LocalPostgresDatabaseResource(name, databaseName, builder.Resource);
        builder.Resource.AddDatabase(name, databaseName);

        var connectionString = ConnectionStringCapture.For(builder.ApplicationBuilder, database);

        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(_ => connectionString.Value + Unpooled, name: healthCheckKey);

        return builder.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .OnInitializeResource((resource, e, ct) =>
            {
                _ = MirrorServerStateAsync(resource, e.Notifications, ct);
                return Task.CompletedTask;
            })
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Aspire passes a parent's state on to its children only for containers: a database on an
    /// executable server takes the server's state here, so that its health check runs and
    /// <c>WaitFor</c> on it works. It becomes healthy once the server created it.
    /// </summary>
    private static async Task MirrorServerStateAsync(
        LocalPostgresDatabaseResource database, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource == database.Parent)
                {
                    await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private static async Task CreateDatabasesAsync(LocalPostgresServerResource server, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres" + Unpooled);
        await connection.OpenAsync(cancellationToken);

        foreach (var databaseName in server.Databases.Values)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
            {
                Parameters = { new() { Value = databaseName } },
            };
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(databaseName);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
