using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ScaleFast.Api.Http;
using ScaleFast.Api.Security;

namespace ScaleFast.Api.Catalog;

/// <summary>
/// <c>/api/products</c>: cached reads with ETags for everyone, writes with optimistic concurrency
/// for administrators.
/// </summary>
public static class CatalogApi
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/products").WithTags("Catalog");

        products.MapGet("/{id:long}", GetProductAsync).WithName("GetProduct");
        products.MapGet("/", ListProductsAsync).WithName("ListProducts");
        products.MapGet("/{id:long}/stock", GetStockAsync).WithName("GetProductStock");

        var writes = products.MapGroup("/").RequireAuthorization(ApiKeyOptions.AdminRole);
        writes.MapPost("/", CreateProductAsync).WithName("CreateProduct");
        writes.MapPut("/{id:long}", UpdateProductAsync).WithName("UpdateProduct");
        writes.MapDelete("/{id:long}", DeleteProductAsync).WithName("DeleteProduct");

        return app;
    }

    internal static async Task<Results<Ok<Product>, StatusCodeHttpResult, ProblemHttpResult>> GetProductAsync(
        long id, HttpContext http, ProductCache cache, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        var product = await cache.GetAsync(id, cancellationToken);
        if (product is null)
        {
            return NotFound(id);
        }

        SetCacheHeaders(http, product, options.Value);
        return EntityTags.IfNoneMatchHits(http.Request, product.Version)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(product);
    }

    internal static async Task<Results<Ok<ProductPage>, ValidationProblem>> ListProductsAsync(
        string? category, long? after, int? limit, ProductStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.RequireLength("category", category, 0, 50);
        if (after < 0)
        {
            errors.Add("after", "Must not be negative.");
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors.Add("limit", $"Must be between 1 and {MaxPageSize}.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var pageSize = limit ?? DefaultPageSize;
        var items = await store.ListAsync(string.IsNullOrEmpty(category) ? null : category, after ?? 0, pageSize, cancellationToken);
        var next = items.Count == pageSize
            ? $"/api/products?{(string.IsNullOrEmpty(category) ? "" : $"category={Uri.EscapeDataString(category)}&")}after={items[^1].Id}&limit={pageSize}"
            : null;
        return TypedResults.Ok(new ProductPage(items, next));
    }

    internal static async Task<Results<Ok<ProductStock>, ProblemHttpResult>> GetStockAsync(
        long id, HttpContext http, ProductStore store, CancellationToken cancellationToken)
    {
        var stock = await store.GetStockAsync(id, cancellationToken);
        if (stock is null)
        {
            return NotFound(id);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(stock);
    }

    internal static async Task<Results<Created<Product>, ValidationProblem, ProblemHttpResult>> CreateProductAsync(
        ProductRequest request, HttpContext http, ProductStore store, ProductCache cache, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var write = await store.CreateAsync(request, cancellationToken);
        if (write.Product is not { } product)
        {
            return DuplicateSku(request);
        }

        // A read of this id before it existed may have cached "no such product".
        await cache.InvalidateAsync(product.Id, cancellationToken);
        http.Response.Headers.ETag = EntityTags.For(product.Version);
        return TypedResults.Created($"/api/products/{product.Id}", product);
    }

    internal static async Task<Results<Ok<Product>, ValidationProblem, ProblemHttpResult>> UpdateProductAsync(
        long id, ProductRequest request, HttpContext http, ProductStore store, ProductCache cache, CancellationToken cancellationToken)
    {
        var expected = EntityTags.ParseIfMatch(http.Request);
        if (expected.IsMissing)
        {
            return PreconditionRequired();
        }

        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var write = await store.UpdateAsync(id, request, expected.Version, cancellationToken);
        if (write.Status == ProductWriteStatus.Done)
        {
            await cache.InvalidateAsync(id, cancellationToken);
            http.Response.Headers.ETag = EntityTags.For(write.Product!.Version);
            return TypedResults.Ok(write.Product);
        }

        return write.Status switch
        {
            ProductWriteStatus.NotFound => NotFound(id),
            ProductWriteStatus.DuplicateSku => DuplicateSku(request),
            _ => PreconditionFailed(id),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteProductAsync(
        long id, HttpContext http, ProductStore store, ProductCache cache, CancellationToken cancellationToken)
    {
        var expected = EntityTags.ParseIfMatch(http.Request);
        if (expected.IsMissing)
        {
            return PreconditionRequired();
        }

        var status = await store.DeleteAsync(id, expected.Version, cancellationToken);
        if (status == ProductWriteStatus.Done)
        {
            await cache.InvalidateAsync(id, cancellationToken);
            return TypedResults.NoContent();
        }

        return status == ProductWriteStatus.NotFound ? NotFound(id) : PreconditionFailed(id);
    }

    /// <summary>What lets a browser or CDN keep the product and revalidate it: its ETag and max-age.</summary>
    internal static void SetCacheHeaders(HttpContext http, Product product, CatalogOptions options)
    {
        http.Response.Headers.ETag = EntityTags.For(product.Version);
        http.Response.Headers.CacheControl = $"public, max-age={(int)options.HttpMaxAge.TotalSeconds}";
    }

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such product.", detail: $"There is no product {id}.");

    private static ProblemHttpResult DuplicateSku(ProductRequest request) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The SKU is taken.", detail: $"Another product has SKU '{request.Sku}'.");

    private static ProblemHttpResult PreconditionRequired() =>
        TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match is required.",
            detail: "Send the ETag of the version you changed in If-Match (or * to overwrite any version).");

    private static ProblemHttpResult PreconditionFailed(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The product has changed.",
            detail: $"Product {id} is no longer at the version in If-Match; read it again and retry.");
}
