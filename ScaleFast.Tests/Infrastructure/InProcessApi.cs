using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;
using ScaleFast.Api.Extensions;
using ScaleFast.Tests.Infrastructure.Servers;
using ScaleFast.Contracts;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// The fast tier's API: instances of ScaleFast.Api run in the test process, built as Program.cs
/// builds them (<c>BuildApiAsync</c>), on their own Postgres and Redis (real servers, started here): no AppHost, no
/// broker, no other service. Seconds to start, where the whole fleet takes a minute.
/// </summary>
public sealed class InProcessApiFixture : IAsyncLifetime
{
    public const int Instances = 2;

    private readonly List<WebApplication> _instances = [];
    private ServerProcess? _postgres;
    private ServerProcess? _redis;

    public string AdminKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string DatabaseConnectionString { get; private set; } = string.Empty;

    public static string Name(int instance) => $"api-{instance}";

    public async Task InitializeAsync()
    {
        var postgres = Servers.Servers.StartPostgresAsync();
        var redis = Servers.Servers.StartRedisAsync();
        (_postgres, DatabaseConnectionString) = await postgres;
        (_redis, var redisConnectionString) = await redis;

        for (var i = 0; i < Instances; i++)
        {
            _instances.Add(await StartAsync(Name(i), redisConnectionString));
        }
    }

    /// <summary>A client of instance <paramref name="name"/> (<c>api-0</c>, <c>api-1</c>).</summary>
    public HttpClient CreateClient(string name) =>
        new() { BaseAddress = new Uri(_instances[int.Parse(name["api-".Length..], System.Globalization.CultureInfo.InvariantCulture)].Urls.Single()) };

    /// <summary>A client of instance <paramref name="name"/> that sends the admin key.</summary>
    public HttpClient CreateAdminClient(string name)
    {
        var client = CreateClient(name);
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, AdminKey);
        return client;
    }

    public async Task<T?> QueryScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private async Task<WebApplication> StartAsync(string name, string redisConnectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            // The API's own directory: its appsettings.json, not the one another project copied here.
            ContentRootPath = ProjectDirectory("ScaleFast.Api"),
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:scalefast"] = $"{DatabaseConnectionString};Maximum Pool Size=4;Application Name={name}",
            ["ConnectionStrings:redis"] = redisConnectionString,
            ["ScaleFast:Instance"] = name,
            ["ApiKeys:AdminKeys:0"] = AdminKey,
            ["DemoData:Products"] = "100",
        });
        var app = await builder.BuildApiAsync();
        await app.StartAsync();
        return app;
    }

    /// <summary>A project's directory, beside the AppHost's.</summary>
    internal static string ProjectDirectory(string project) =>
        Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", project));
}

[CollectionDefinition(Name)]
public sealed class InProcessApiCollection : ICollectionFixture<InProcessApiFixture>
{
    public const string Name = "ScaleFast.Api in-process (fast tier)";
}
