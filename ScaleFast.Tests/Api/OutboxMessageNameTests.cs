using ScaleFast.Contracts;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Api;

/// <summary>
/// Outbox rows name their message by a stable name, and rows written before (by CLR type name)
/// are renamed by a migration, so that no pending message is orphaned.
/// </summary>
[Collection(InProcessApiCollection.Name)]
[Trait("Tier", "Fast")]
public sealed class OutboxMessageNameTests(InProcessApiFixture fixture)
{
    [Fact]
    public async Task An_order_writes_its_message_under_its_stable_name()
    {
        using var client = fixture.CreateClient(InProcessApiFixture.Name(0));
        var order = await Worker.Orders.PlaceAsync(client, productId: 7);

        var type = await fixture.QueryScalarAsync<string>("SELECT type FROM outbox WHERE payload->>'orderId' = @order", ("order", order.ToString()));

        Assert.Equal("order-placed", type);
        Assert.Equal(typeof(OrderPlaced), MessageNames.In()[type!]);
    }

    [Fact]
    public async Task Rows_pending_under_a_CLR_type_name_get_the_stable_name_of_every_named_message()
    {
        var named = MessageNames.In();
        var rows = new Dictionary<Guid, Type>();
        foreach (var type in named.Values)
        {
            var id = Guid.CreateVersion7();
            rows[id] = type;
            await fixture.QueryScalarAsync<object>(
                "INSERT INTO outbox (id, type, payload, error) VALUES (@id, @type, '{}'::jsonb, 'test row')", ("id", id), ("type", type.FullName!));
        }

        var migration = await File.ReadAllTextAsync(Path.Combine(
            InProcessApiFixture.ProjectDirectory("ScaleFast.Api"), "Data", "Migrations", "0003_outbox_message_names.sql"));
        await fixture.QueryScalarAsync<object>(migration);

        foreach (var (id, type) in rows)
        {
            Assert.Equal(MessageNames.Of(type), await fixture.QueryScalarAsync<string>("SELECT type FROM outbox WHERE id = @id", ("id", id)));
        }
    }
}
