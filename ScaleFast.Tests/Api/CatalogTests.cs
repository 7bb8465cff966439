using System.Net.Http.Headers;
using System.Net.Http.Json;
using ScaleFast.Tests.Infrastructure;
using ScaleFast.Contracts;

namespace ScaleFast.Tests.Api;

[Collection(InProcessApiCollection.Name)]
[Trait("Tier", "Fast")]
public sealed class CatalogTests(InProcessApiFixture fixture)
{
    [Fact]
    public async Task A_product_is_created_read_replaced_and_deleted_with_optimistic_concurrency()
    {
        using var admin = fixture.CreateAdminClient("api-0");
        var product = await Catalog.CreateProductAsync(admin, price: 12.50m);
        Assert.Equal(1, product.Version);

        var read = await admin.GetAsync($"/api/products/{product.Id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"v1\"", read.Headers.ETag?.ToString());
        Assert.Equal(product, await read.ReadJsonAsync<ProductDto>());

        var replacement = new { sku = product.Sku, name = "Renamed", category = "test", price = 13m, stock = 5 };
        await Catalog.AssertProblemAsync(await admin.PutAsJsonAsync($"/api/products/{product.Id}", replacement), (HttpStatusCode)428);

        var put = await SendWithIfMatchAsync(admin, HttpMethod.Put, product.Id, "\"v1\"", replacement);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var replaced = await put.ReadJsonAsync<ProductDto>();
        Assert.Equal(("Renamed", 13m, 2), (replaced.Name, replaced.Price, replaced.Version));
        Assert.Equal("\"v2\"", put.Headers.ETag?.ToString());
        Assert.Equal(5, await Catalog.GetStockAsync(admin, product.Id));

        await Catalog.AssertProblemAsync(await SendWithIfMatchAsync(admin, HttpMethod.Put, product.Id, "\"v1\"", replacement), HttpStatusCode.PreconditionFailed);
        await Catalog.AssertProblemAsync(await SendWithIfMatchAsync(admin, HttpMethod.Delete, product.Id, "\"v1\""), HttpStatusCode.PreconditionFailed);

        Assert.Equal(HttpStatusCode.NoContent, (await SendWithIfMatchAsync(admin, HttpMethod.Delete, product.Id, "\"v2\"")).StatusCode);
        await Catalog.AssertProblemAsync(await admin.GetAsync($"/api/products/{product.Id}"), HttpStatusCode.NotFound);
        await Catalog.AssertProblemAsync(await SendWithIfMatchAsync(admin, HttpMethod.Delete, product.Id, "*"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_matching_If_None_Match_gets_304_and_the_response_can_be_cached_by_clients()
    {
        using var admin = fixture.CreateAdminClient("api-1");
        var product = await Catalog.CreateProductAsync(admin);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/products/{product.Id}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"v1\""));
        var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("\"v1\"", response.Headers.ETag?.ToString());
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task Writes_need_a_known_admin_key()
    {
        using var anonymous = fixture.CreateClient("api-0");
        using var impostor = fixture.CreateClient("api-0");
        impostor.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, "not-the-key-not-the-key");
        var body = new { sku = $"T-{Guid.NewGuid():N}", name = "x", category = "test", price = 1m, stock = 1 };

        var withoutKey = await anonymous.PostAsJsonAsync("/api/products", body);
        var withWrongKey = await impostor.PostAsJsonAsync("/api/products", body);

        await Catalog.AssertProblemAsync(withoutKey, HttpStatusCode.Unauthorized);
        await Catalog.AssertProblemAsync(withWrongKey, HttpStatusCode.Unauthorized);
        Assert.Equal(0L, await fixture.QueryScalarAsync<long>("SELECT count(*) FROM products WHERE sku = @sku", ("sku", body.sku)));
    }

    [Fact]
    public async Task A_second_product_with_the_same_sku_is_a_conflict()
    {
        using var admin = fixture.CreateAdminClient("api-0");
        var product = await Catalog.CreateProductAsync(admin);

        var again = await admin.PostAsJsonAsync("/api/products", new { sku = product.Sku, name = "again", category = "test", price = 1m, stock = 1 });

        await Catalog.AssertProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Keyset_pages_walk_a_category_in_id_order_exactly_once()
    {
        using var admin = fixture.CreateAdminClient("api-1");
        var category = $"c{Guid.NewGuid():N}"[..20];
        var created = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await Catalog.CreateProductAsync(admin, category: category)).Id);
        }

        var seen = new List<long>();
        var pages = 0;
        for (string? next = $"/api/products?category={category}&limit=3"; next is not null; pages++)
        {
            var page = (await admin.GetFromJsonAsync<ProductPageDto>(next))!;
            Assert.All(page.Items, p => Assert.Equal(category, p.Category));
            seen.AddRange(page.Items.Select(p => p.Id));
            next = page.Next;
        }

        Assert.Equal(created, seen);
        Assert.Equal(3, pages);
    }

    private static async Task<HttpResponseMessage> SendWithIfMatchAsync(HttpClient client, HttpMethod method, long id, string etag, object? body = null)
    {
        using var request = new HttpRequestMessage(method, $"/api/products/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }
}
