using Npgsql;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace ScaleFast.Tests.AppHost;

/// <summary>Local data outlives the AppHost like a container volume, unless a clean start is asked for.</summary>
public sealed class PersistenceTests : IDisposable
{
    private static readonly string[] Small = ["--ScaleFast:ApiReplicas=1", "--ScaleFast:WorkerReplicas=1"];

    /// <summary>What keeps data: each start waits for these only, not for the services.</summary>
    private static readonly string[] Servers = [ResourceNames.Postgres, ResourceNames.Database, ResourceNames.Redis, ResourceNames.RabbitMQ];
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("scalefast-persist-");

    [Fact]
    public async Task Data_survives_a_restart_with_new_passwords_and_a_clean_start_wipes_it()
    {
        await using (var first = await TestApp.StartOnAsync(_data.FullName, Servers, Small))
        {
            await ExecuteAsync(first, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('from the first run')");
            await using var redis = await RedisAsync(first);
            await redis.GetDatabase().StringSetAsync("kept", "from the first run");
        }

        // New passwords: the servers must take them for the data they kept, or nothing becomes healthy.
        await using (var second = await TestApp.StartOnAsync(_data.FullName, Servers,
            [.. Small, "--Parameters:postgres-password=SecondRunPostgres1", "--Parameters:redis-password=SecondRunRedis1", "--Parameters:rabbitmq-password=SecondRunRabbit1"]))
        {
            Assert.Equal("from the first run", await ScalarAsync(second, "SELECT value FROM kept"));
            await using var redis = await RedisAsync(second);
            Assert.Equal("from the first run", (string?)await redis.GetDatabase().StringGetAsync("kept"));
        }

        await using var clean = await TestApp.StartOnAsync(_data.FullName, Servers, [.. Small, "--ScaleFast:CleanStart=true"]);
        Assert.Null(await ScalarAsync(clean, "SELECT to_regclass('kept')::text"));
    }

    private static async Task ExecuteAsync(TestApp local, string sql)
    {
        await using var source = NpgsqlDataSource.Create((await local.App.GetConnectionStringAsync(ResourceNames.Database))!);
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ScalarAsync(TestApp local, string sql)
    {
        await using var source = NpgsqlDataSource.Create((await local.App.GetConnectionStringAsync(ResourceNames.Database))!);
        await using var command = source.CreateCommand(sql);
        return await command.ExecuteScalarAsync() as string;
    }

    private static async Task<ConnectionMultiplexer> RedisAsync(TestApp local) =>
        await ConnectionMultiplexer.ConnectAsync((await local.App.GetConnectionStringAsync(ResourceNames.Redis))!);

    public void Dispose() => _data.Delete(recursive: true);
}
