using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Api;

[Collection(ScaleFastAppCollection.Name)]
public sealed class SchemaTests(ScaleFastAppFixture fixture)
{
    [Fact]
    public async Task Three_replicas_starting_together_apply_each_migration_and_the_demo_data_once()
    {
        Assert.Equal(0L, await fixture.App.QueryScalarAsync<long>(
            "SELECT count(*) FROM (SELECT scriptname FROM schemaversions GROUP BY scriptname HAVING count(*) > 1) AS twice"));
        Assert.True(await fixture.App.QueryScalarAsync<long>("SELECT count(*) FROM schemaversions") >= 1);
        Assert.Equal(10_000L, await fixture.App.QueryScalarAsync<long>("SELECT count(*) FROM products WHERE sku LIKE 'DEMO-%'"));
        Assert.Equal(10_000L, await fixture.App.QueryScalarAsync<long>("SELECT max(id) FROM products WHERE sku LIKE 'DEMO-%'"));
    }
}
