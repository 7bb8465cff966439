using System.Net.Http.Json;
using ScaleFast.AppHost;
using ScaleFast.AppHost.Topology;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

[Trait("Tier", "Fast")]
public sealed class DatabasePoolBudgetTests
{
    [Theory]
    [InlineData(4, 2, 3, 2)]   // 8 connections for 3 instances: the minimum of 2 each
    [InlineData(4, 8, 3, 10)]  // 32 for 3: 10 each
    [InlineData(16, 2, 1, 32)]
    [InlineData(1, 1, 5, 2)]
    public void The_budget_is_factor_times_cores_shared_by_the_instances_with_at_least_two_each(int factor, int cores, int instances, int perInstance)
    {
        var budget = DatabasePoolBudget.For(new ScaleFastOptions { PoolFactor = factor, DatabaseCores = cores }, instances);

        Assert.Equal(perInstance, budget.PerInstance);
        Assert.Contains($"Maximum Pool Size={perInstance};", budget.ConnectionStringSettings, StringComparison.Ordinal);
    }

    [Fact]
    public void Pools_that_do_not_fit_under_max_connections_are_refused_with_what_to_change()
    {
        var options = new ScaleFastOptions { PoolFactor = 16, DatabaseCores = 8, DatabaseMaxConnections = 100 };

        var error = Assert.Throws<ScaleFastSetupException>(() => DatabasePoolBudget.For(options, instances: 4));

        Assert.Contains("4 instances × 32 connections + 10 reserved = 138", error.Message, StringComparison.Ordinal);
        Assert.Contains("ScaleFast:DatabaseMaxConnections", error.Message, StringComparison.Ordinal);
    }
}

[Collection(ScaleFastAppCollection.Name)]
public sealed class DatabasePoolTests(ScaleFastAppFixture fixture)
{
    [Theory]
    [InlineData("api-0")]
    [InlineData("api-2")]
    public async Task Each_instance_pools_with_the_size_the_AppHost_computed(string instance)
    {
        var defaults = new ScaleFastOptions();
        var expected = DatabasePoolBudget.For(defaults, instances: defaults.ApiReplicas + defaults.WorkerReplicas, unpooled: defaults.WorkerReplicas).PerInstance;
        using var client = fixture.App.CreateHttpClient(instance, "http");

        var status = await client.GetFromJsonAsync<InstanceStatus>("/api/instance");

        Assert.Equal(expected, status!.Database.MaxPoolSize);
        Assert.Equal(expected, await fixture.App.ReadMetricAsync(instance, "db_client_connection_max", $"Maximum Pool Size={expected};"));
    }

    [Fact]
    public async Task Postgres_runs_with_the_configured_max_connections() =>
        Assert.Equal("100", await fixture.App.QueryScalarAsync<string>("SHOW max_connections"));

    private sealed record InstanceStatus(string Instance, DatabaseStatus Database);

    private sealed record DatabaseStatus(int MaxPoolSize);
}
