using System.Net.Http.Json;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Api;

// The API's JSON as a client sees it: the tests read answers the way any client would.
internal sealed record InstanceDto(string Instance);

internal sealed record ProductDto(long Id, string Sku, string Name, string Description, string Category, decimal Price, int Version);

internal sealed record ProductPageDto(IReadOnlyList<ProductDto> Items, string? Next);

internal sealed record StockDto(long ProductId, int Stock);

internal sealed record OrderLineDto(long ProductId, string ProductName, decimal UnitPrice, int Quantity);

internal sealed record OrderDto(Guid Id, string CustomerEmail, IReadOnlyList<OrderLineDto> Lines, decimal Total);

internal sealed record ReportDto(Guid Id, string Kind, DateOnly From, DateOnly To, string Status, string? FailureReason, string? Content);

internal sealed record ProblemDto(string? Type, string? Title, int Status, string? Detail, Dictionary<string, string[]>? Errors);

internal static class Catalog
{
    /// <summary>A new product with a unique SKU, created through <paramref name="admin"/>.</summary>
    public static async Task<ProductDto> CreateProductAsync(HttpClient admin, int stock = 100, string category = "test", decimal price = 9.99m)
    {
        var sku = $"T-{Guid.NewGuid():N}";
        var response = await admin.PostAsJsonAsync("/api/products", new { sku, name = $"Product {sku}", category, price, stock });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync<ProductDto>();
    }

    public static async Task<int> GetStockAsync(HttpClient client, long productId) =>
        (await client.GetFromJsonAsync<StockDto>($"/api/products/{productId}/stock"))!.Stock;

    public static object Order(params (long ProductId, int Quantity)[] lines) => new
    {
        customerEmail = "buyer@example.com",
        lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }).ToArray(),
    };

    public static async Task<ProblemDto> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync<ProblemDto>();
        Assert.Equal((int)status, problem.Status);
        return problem;
    }
}
