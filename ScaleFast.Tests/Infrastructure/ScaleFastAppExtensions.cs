using System.Globalization;
using System.Net.Http.Json;
using Npgsql;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Contracts;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>What tests reach in a started app: clients for instances, the admin key, the database, metrics.</summary>
internal static class ScaleFastAppExtensions
{
    public const string AdminKeyParameter = "api-admin-key";

    public static Task<string> GetAdminKeyAsync(this DistributedApplication app) => app.GetParameterAsync(AdminKeyParameter);

    public static async Task<string> GetParameterAsync(this DistributedApplication app, string name)
    {
        var parameter = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>()
            .Single(p => p.Name == name);
        return (await parameter.GetValueAsync(CancellationToken.None))!;
    }

    /// <summary>A client of Prometheus' UI and API, with the user and password it asks for.</summary>
    public static async Task<HttpClient> CreatePrometheusClientAsync(this DistributedApplication app)
    {
        var client = app.CreateHttpClient(ResourceNames.Prometheus, "http");
        client.DefaultRequestHeaders.Authorization = ScaleFast.AppHost.Monitoring.PrometheusConfig.Authorization(
            await app.GetParameterAsync(ScaleFast.AppHost.Monitoring.MonitoringExtensions.PasswordParameter));
        return client;
    }

    /// <summary>A client of <paramref name="resource"/>'s http endpoint that sends the admin key.</summary>
    public static async Task<HttpClient> CreateAdminClientAsync(this DistributedApplication app, string resource)
    {
        var client = app.CreateHttpClient(resource, "http");
        client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, await app.GetAdminKeyAsync());
        return client;
    }

    /// <summary>The API instances that answered <paramref name="requests"/> GETs of <c>/api/instance</c> through the gateway, in order of name.</summary>
    public static async Task<IReadOnlyList<string>> InstancesAnsweringTheGatewayAsync(this DistributedApplication app, int requests)
    {
        using var gateway = app.CreateHttpClient(ResourceNames.Gateway, "http");
        var answered = new HashSet<string>();
        for (var i = 0; i < requests; i++)
        {
            answered.Add((await gateway.GetFromJsonAsync<ScaleFast.Tests.Api.InstanceDto>("/api/instance"))!.Instance);
        }

        return [.. answered.Order()];
    }

    public static async Task<NpgsqlConnection> OpenDatabaseAsync(this DistributedApplication app)
    {
        var connection = new NpgsqlConnection(await app.GetConnectionStringAsync(ResourceNames.Database));
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<T?> QueryScalarAsync<T>(this DistributedApplication app, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await app.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>
    /// The sum of every series of <paramref name="metric"/> on an instance's <c>/metrics</c> whose
    /// labels include all of <paramref name="labels"/> (<c>name="value"</c>).
    /// </summary>
    public static async Task<double> ReadMetricAsync(this DistributedApplication app, string resource, string metric, params string[] labels)
    {
        using var management = app.CreateHttpClient(resource, "management");
        return SumMetric(await management.GetStringAsync("/metrics"), metric, labels);
    }

    /// <summary>The sum of <paramref name="metric"/>'s samples in a <c>/metrics</c> text whose labels include all of <paramref name="labels"/>.</summary>
    public static double SumMetric(string text, string metric, params string[] labels) =>
        text.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    public static async Task<T> ReadJsonAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>())!;
}
