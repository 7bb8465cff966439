using System.Net.Http.Json;
using ScaleFast.Contracts;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Api;

[Collection(ScaleFastAppCollection.Name)]
public sealed class OrderTests(ScaleFastAppFixture fixture)
{
    private static readonly string[] ApiInstances = ["api-0", "api-1", "api-2"];

    [Fact]
    public async Task An_order_takes_its_stock_and_writes_its_outbox_message_in_the_same_transaction()
    {
        using var admin = await fixture.App.CreateAdminClientAsync("api-0");
        var first = await Catalog.CreateProductAsync(admin, stock: 10, price: 2.50m);
        var second = await Catalog.CreateProductAsync(admin, stock: 10, price: 4m);

        var response = await admin.PostAsJsonAsync("/api/orders", Catalog.Order((first.Id, 3), (second.Id, 1)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.ReadJsonAsync<OrderDto>();
        Assert.Equal($"/api/orders/{order.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(11.50m, order.Total);
        Assert.Equal(order, await admin.GetFromJsonAsync<OrderDto>($"/api/orders/{order.Id}"), OrderComparer.Instance);
        Assert.Equal((7, 9), (await Catalog.GetStockAsync(admin, first.Id), await Catalog.GetStockAsync(admin, second.Id)));
        Assert.Equal(1L, await fixture.App.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = @type AND payload->>'orderId' = @id",
            ("type", MessageNames.Of(typeof(OrderPlaced))), ("id", order.Id.ToString())));
    }

    [Fact]
    public async Task Fifty_concurrent_orders_for_ten_units_through_every_instance_sell_exactly_ten()
    {
        using var admin = await fixture.App.CreateAdminClientAsync("api-0");
        var product = await Catalog.CreateProductAsync(admin, stock: 10);
        var clients = ApiInstances.Select(name => fixture.App.CreateHttpClient(name, "http")).ToList();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            clients[i % clients.Count].PostAsJsonAsync("/api/orders", Catalog.Order((product.Id, 1)))));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, await Catalog.GetStockAsync(admin, product.Id));
        Assert.Equal(10L, await fixture.App.QueryScalarAsync<long>(
            "SELECT count(*) FROM order_lines WHERE product_id = @id", ("id", product.Id)));
        clients.ForEach(client => client.Dispose());
    }

    [Fact]
    public async Task An_order_for_more_than_the_stock_is_a_conflict_that_names_the_product_and_takes_nothing()
    {
        using var admin = await fixture.App.CreateAdminClientAsync("api-1");
        var plenty = await Catalog.CreateProductAsync(admin, stock: 50);
        var scarce = await Catalog.CreateProductAsync(admin, stock: 2);

        var response = await admin.PostAsJsonAsync("/api/orders", Catalog.Order((plenty.Id, 5), (scarce.Id, 3)));

        var problem = await Catalog.AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains($"Product {scarce.Id} '{scarce.Name}': 3 ordered, 2 left.", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain($"Product {plenty.Id}", problem.Detail, StringComparison.Ordinal);
        Assert.Equal((50, 2), (await Catalog.GetStockAsync(admin, plenty.Id), await Catalog.GetStockAsync(admin, scarce.Id)));
    }

    [Fact]
    public async Task A_retried_order_with_the_same_idempotency_key_returns_the_same_order_and_takes_stock_once()
    {
        using var admin = await fixture.App.CreateAdminClientAsync("api-0");
        var product = await Catalog.CreateProductAsync(admin, stock: 20);
        var key = Guid.NewGuid().ToString();

        // Concurrent retries, through different instances, as a client with a short timeout would send them.
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var client = fixture.App.CreateHttpClient(ApiInstances[i % 3], "http");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(Catalog.Order((product.Id, 2))) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var orders = await Task.WhenAll(responses.Select(r => r.ReadJsonAsync<OrderDto>()));
        Assert.Single(orders.Select(o => o.Id).Distinct());
        Assert.Equal(5, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(18, await Catalog.GetStockAsync(admin, product.Id));

        using var different = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(Catalog.Order((product.Id, 3))) };
        different.Headers.Add("Idempotency-Key", key);
        await Catalog.AssertProblemAsync(await admin.SendAsync(different), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(18, await Catalog.GetStockAsync(admin, product.Id));
    }

    private sealed class OrderComparer : IEqualityComparer<OrderDto?>
    {
        public static readonly OrderComparer Instance = new();

        public bool Equals(OrderDto? x, OrderDto? y) =>
            x is not null && y is not null && (x.Id, x.CustomerEmail, x.Total) == (y.Id, y.CustomerEmail, y.Total) && x.Lines.SequenceEqual(y.Lines);

        public int GetHashCode(OrderDto? obj) => obj?.Id.GetHashCode() ?? 0;
    }
}
