using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ScaleFast.Api.Http;
using ScaleFast.Api.Security;
using ScaleFast.Settings;

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
        var products = app.MapGroup("/api/products").WithTags("Catalog")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        products.MapGet("/{id:long}", GetProductAsync).WithName("GetProduct")
            .WithSummary("Reads a product")
            .WithDescription("From the cache (memory, then Redis, then PostgreSQL), with its ETag: If-None-Match with the current ETag gets 304.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        products.MapGet("/", ListProductsAsync).WithName("ListProducts")
            .WithSummary("Lists products, a page at a time")
            .WithDescription("By id, optionally in one category; `next` links the following page (keyset paging with `after`).")
            .ProducesValidationProblem();
        products.MapGet("/{id:long}/stock", GetStockAsync).WithName("GetProductStock")
            .WithSummary("Reads a product's stock")
            .WithDescription("From the database every time: stock changes with every order, so it is never cached.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var writes = products.MapGroup("/").RequireAuthorization(ApiKeyOptions.AdminRole)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        writes.MapPost("/", CreateProductAsync).WithName("CreateProduct")
            .WithSummary("Creates a product (administrators)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPut("/{id:long}", UpdateProductAsync).WithName("UpdateProduct")
            .WithSummary("Replaces a product (administrators)")
            .WithDescription("Optimistic concurrency: If-Match carries the ETag of the version changed (or * for any); a newer version gets 412.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        writes.MapDelete("/{id:long}", DeleteProductAsync).WithName("DeleteProduct")
            .WithSummary("Deletes a product (administrators)")
            .WithDescription("If-Match carries the ETag of the version deleted (or * for any).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

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

    internal static async Task<Ok<ProductPage>> ListProductsAsync(
        [StringLength(50), NoNulCharacters] string? category,
        [Range(0, long.MaxValue, ErrorMessage = "Must not be negative.")] long? after,
        [Range(1, MaxPageSize)] int? limit,
        ProductStore store,
        CancellationToken cancellationToken)
    {
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

    internal static async Task<Results<Created<Product>, ProblemHttpResult>> CreateProductAsync(
        ProductRequest request, HttpContext http, ProductStore store, ProductCache cache, CancellationToken cancellationToken)
    {
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

    internal static async Task<Results<Ok<Product>, ProblemHttpResult>> UpdateProductAsync(
        long id, ProductRequest request, HttpContext http, ProductStore store, ProductCache cache, CancellationToken cancellationToken)
    {
        var expected = EntityTags.ParseIfMatch(http.Request);
        if (expected.IsMissing)
        {
            return PreconditionRequired();
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
