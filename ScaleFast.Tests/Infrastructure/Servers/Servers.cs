using System.Globalization;
using System.Security.Cryptography;

namespace ScaleFast.Tests.Infrastructure.Servers;

/// <summary>The real servers a service tested in-process needs, each started by the test itself.</summary>
internal static class Servers
{
    /// <summary>A Postgres cluster with a <c>scalefast</c> database, behind a generated password; returns its connection string.</summary>
    public static async Task<(ServerProcess Server, string ConnectionString)> StartPostgresAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Order().Last() + "/bin";
        var directory = ServerProcess.CreateDirectory("postgres");
        var data = Path.Combine(directory.FullName, "data");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(directory.FullName, "password");
        await File.WriteAllTextAsync(passwordFile, password);
        if (Environment.IsPrivilegedProcess)
        {
            await ServerProcess.RunAsync("chown", "-R", "postgres:postgres", directory.FullName);
        }

        var (initdb, initdbArguments) = ServerProcess.AsUser("postgres", $"{bin}/initdb",
            "-D", data, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "--no-sync", "-E", "UTF8", "--locale=C");
        await ServerProcess.RunAsync(initdb, initdbArguments);

        var port = ScaleFast.Hosting.Local.FreePorts.Next();
        var (postgres, arguments) = ServerProcess.AsUser("postgres", $"{bin}/postgres",
            "-D", data, "-p", port.ToString(CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off");
        var server = await ServerProcess.StartAsync(directory, port, postgres, arguments);

        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password={password}";
        await using (var connection = await OpenWhenReadyAsync($"{connectionString};Database=postgres"))
        {
            await using var create = new Npgsql.NpgsqlCommand("CREATE DATABASE scalefast", connection);
            await create.ExecuteNonQueryAsync();
        }

        return (server, $"{connectionString};Database=scalefast");
    }

    /// <summary>
    /// A connection once Postgres takes them: its port accepts connections before it has started,
    /// and until then it refuses every session with 57P03 ("the database system is starting up").
    /// </summary>
    private static async Task<Npgsql.NpgsqlConnection> OpenWhenReadyAsync(string connectionString)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var connection = new Npgsql.NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync();
                return connection;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.CannotConnectNow && DateTime.UtcNow < deadline)
            {
                await connection.DisposeAsync();
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A Redis server behind a generated password; returns its connection string.</summary>
    public static async Task<(ServerProcess Server, string ConnectionString)> StartRedisAsync()
    {
        var directory = ServerProcess.CreateDirectory("redis");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var port = ScaleFast.Hosting.Local.FreePorts.Next();
        var server = await ServerProcess.StartAsync(directory, port, "redis-server",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no");
        return (server, $"127.0.0.1:{port},password={password}");
    }
}
