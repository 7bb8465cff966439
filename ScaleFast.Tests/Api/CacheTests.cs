using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Api;

[Collection(ScaleFastAppCollection.Name)]
public sealed class CacheTests(ScaleFastAppFixture fixture)
{
    private const string CacheRequests = "scalefast_cache_requests_total";
    private static readonly string[] OtherInstances = ["api-1", "api-2"];

    [Fact]
    public async Task A_second_read_on_an_instance_is_a_memory_hit_and_a_read_on_another_instance_a_redis_hit()
    {
        using var admin = await fixture.App.CreateAdminClientAsync("api-0");
        var product = await Catalog.CreateProductAsync(admin);
        using var api0 = fixture.App.CreateHttpClient("api-0", "http");
        using var api1 = fixture.App.CreateHttpClient("api-1", "http");

        var misses0 = await ReadAsync("api-0", "memory", "miss");
        var hits0 = await ReadAsync("api-0", "memory", "hit");
        await api0.GetFromJsonAsync<ProductDto>($"/api/products/{product.Id}");
        await api0.GetFromJsonAsync<ProductDto>($"/api/products/{product.Id}");

        Assert.Equal(misses0 + 1, await ReadAsync("api-0", "memory", "miss"));
        Assert.Equal(hits0 + 1, await ReadAsync("api-0", "memory", "hit"));

        var redisHits1 = await ReadAsync("api-1", "redis", "hit");
        await api1.GetFromJsonAsync<ProductDto>($"/api/products/{product.Id}");

        Assert.Equal(redisHits1 + 1, await ReadAsync("api-1", "redis", "hit"));
    }

    [Fact]
    public async Task After_a_write_through_one_instance_every_other_instance_serves_the_new_version_within_a_second()
    {
        using var admin = await fixture.App.CreateAdminClientAsync("api-0");
        var product = await Catalog.CreateProductAsync(admin);
        var readers = OtherInstances.Select(name => fixture.App.CreateHttpClient(name, "http")).ToList();
        foreach (var reader in readers)
        {
            // Twice, so that the old version sits in each instance's memory.
            Assert.Equal(1, (await reader.GetFromJsonAsync<ProductDto>($"/api/products/{product.Id}"))!.Version);
            Assert.Equal(1, (await reader.GetFromJsonAsync<ProductDto>($"/api/products/{product.Id}"))!.Version);
        }

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{product.Id}")
        {
            Content = JsonContent.Create(new { sku = product.Sku, name = "New name", category = "test", price = 1m, stock = 1 }),
        };
        put.Headers.IfMatch.Add(new EntityTagHeaderValue("\"v1\""));
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(put)).StatusCode);
        var written = Stopwatch.StartNew();

        foreach (var reader in readers)
        {
            ProductDto seen;
            do
            {
                seen = (await reader.GetFromJsonAsync<ProductDto>($"/api/products/{product.Id}"))!;
            }
            while (seen.Version != 2 && written.Elapsed < TimeSpan.FromSeconds(1));

            Assert.Equal((2, "New name"), (seen.Version, seen.Name));
        }

        Assert.InRange(written.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        readers.ForEach(reader => reader.Dispose());
    }

    private Task<double> ReadAsync(string instance, string layer, string result) =>
        fixture.App.ReadMetricAsync(instance, CacheRequests, "cache=\"product\"", $"layer=\"{layer}\"", $"result=\"{result}\"");
}
