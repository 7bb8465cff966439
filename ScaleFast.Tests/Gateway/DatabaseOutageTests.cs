using System.Net.Http.Json;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;
using ScaleFast.Contracts;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// A replica whose readiness check fails because it cannot reach the database leaves the
/// gateway's pool and comes back with it; when the database fails for all of them, the gateway
/// keeps them all (panic mode): cached reads are served, writes get the API's own 503.
/// </summary>
[Collection(FaultAppCollection.Name)]
public sealed class DatabaseOutageTests(FaultAppFixture fixture)
{
    private static readonly string[] Apis = ["api-0", "api-1", "api-2"];

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task Without_the_database_every_replica_is_unready_and_the_gateway_still_serves_cached_reads()
    {
        using var gateway = App.CreateHttpClient(ResourceNames.Gateway, "http");
        gateway.Timeout = TimeSpan.FromSeconds(10);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/instance")).StatusCode);
        foreach (var api in Apis)
        {
            // Cached in every replica's memory and in Redis: a replica still in the pool would answer it.
            using var direct = App.CreateHttpClient(api, "http");
            Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/api/products/42")).StatusCode);
        }

        await App.ResourceCommands.ExecuteCommandAsync(ResourceNames.Postgres, KnownResourceCommands.StopCommand);

        // Each replica's readiness fails within its check timeout (a 503, not a hang) …
        foreach (var api in Apis)
        {
            var ready = await Eventually.ReadAsync(() => ReadinessAsync(api), status => status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        }

        // … and after two failed probes (every 2 s) the gateway has none ready: it sends to all of
        // them anyway, so a read the cache holds is served, and a write gets the API's 503.
        await Task.Delay(TimeSpan.FromSeconds(6));
        for (var i = 0; i < Apis.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/products/42")).StatusCode);
        }

        var refused = await gateway.PostAsJsonAsync("/api/orders", Catalog.Order((42, 1)));
        var problem = await Catalog.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("The database is unavailable.", problem.Title);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());

        var start = await App.ResourceCommands.ExecuteCommandAsync(ResourceNames.Postgres, KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);

        var answered = await Eventually.ReadAsync(async () =>
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 9; i++)
            {
                var response = await gateway.GetAsync("/api/instance");
                if (response.IsSuccessStatusCode)
                {
                    seen.Add((await response.Content.ReadFromJsonAsync<InstanceDto>())!.Instance);
                }
            }

            return seen;
        }, seen => seen.Count == Apis.Length, TimeSpan.FromSeconds(60));
        Assert.Equal(Apis, answered.Order());

        // Connections the pools held across the restart fail once each (a 503, never a 500);
        // then every replica takes orders again.
        foreach (var api in Apis)
        {
            using var direct = App.CreateHttpClient(api, "http");
            var order = await Eventually.ReadAsync(
                () => direct.PostAsJsonAsync("/api/orders", Catalog.Order((42, 1))),
                r => r.StatusCode is not HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        }
    }

    [Fact]
    public async Task A_replica_that_loses_its_database_leaves_the_pool_while_the_others_serve_and_rejoins()
    {
        using var gateway = App.CreateHttpClient(ResourceNames.Gateway, "http");
        gateway.Timeout = TimeSpan.FromSeconds(10);
        Assert.Equal(Apis, (await InstancesAsync(gateway)).Order());

        // No new connection to the database is accepted, and api-1's are closed: api-1 cannot
        // reach the database, while the others keep the connections their pools hold.
        // From the maintenance database: a database cannot close itself to new connections.
        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(await App.GetConnectionStringAsync(ResourceNames.Database)) { Database = "postgres", Pooling = false };
        await using var admin = new Npgsql.NpgsqlConnection(maintenance.ConnectionString);
        await admin.OpenAsync();
        await using (var cut = new Npgsql.NpgsqlCommand(
            """
            ALTER DATABASE scalefast ALLOW_CONNECTIONS false;
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'api-1';
            """, admin))
        {
            await cut.ExecuteNonQueryAsync();
        }

        try
        {
            var ready = await Eventually.ReadAsync(() => ReadinessAsync("api-1"), s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
            // Two failed probes, 2 s apart.
            await Task.Delay(TimeSpan.FromSeconds(6));
            var serving = await InstancesAsync(gateway);
            Assert.Equal(["api-0", "api-2"], serving.Order());
        }
        finally
        {
            await using var restore = new Npgsql.NpgsqlCommand("ALTER DATABASE scalefast ALLOW_CONNECTIONS true", admin);
            await restore.ExecuteNonQueryAsync();
        }

        var back = await Eventually.ReadAsync(() => InstancesAsync(gateway), seen => seen.Count == Apis.Length, TimeSpan.FromSeconds(30));
        Assert.Equal(Apis, back.Order());
    }

    /// <summary>Which replicas answered 12 requests through the gateway; every request must succeed.</summary>
    private static async Task<HashSet<string>> InstancesAsync(HttpClient gateway)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 12; i++)
        {
            var response = await gateway.GetAsync("/api/instance");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.Add((await response.Content.ReadFromJsonAsync<InstanceDto>())!.Instance);
        }

        return seen;
    }

    private async Task<HttpStatusCode> ReadinessAsync(string api)
    {
        using var management = App.CreateHttpClient(api, "management");
        management.Timeout = TimeSpan.FromSeconds(5);
        try
        {
            return (await management.GetAsync(ServiceEndpoints.ReadinessPath)).StatusCode;
        }
        catch (TaskCanceledException)
        {
            return HttpStatusCode.RequestTimeout;
        }
    }
}
