using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ScaleFast.Api.Catalog;
using ScaleFast.Contracts;
using ScaleFast.Settings;

namespace ScaleFast.Api.Benchmark;

/// <summary>
/// <c>GET /bench/products/{id}</c>, in a benchmark build and mapped only with <c>Benchmark:Enabled</c>:
/// the same JSON and headers as <c>GET /api/products/{id}</c>, from a dictionary in memory. It is the ceiling that
/// <c>bench/api.sh</c> compares the cached endpoint with: what this process serves with no cache
/// lookup at all.
/// </summary>
internal static class BenchmarkApi
{
    private static readonly ConcurrentDictionary<long, Product> Products = new();

    public static IEndpointRouteBuilder MapBenchmarkApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>(BenchmarkOptions.EnabledKey))
        {
            app.MapGet("/bench/products/{id:long}", GetProductAsync).ExcludeFromDescription();
        }

        return app;
    }

    internal static async Task<Results<Ok<Product>, NotFound>> GetProductAsync(
        long id, HttpContext http, ProductStore store, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!Products.TryGetValue(id, out var product))
        {
            if (await store.FindAsync(id, cancellationToken) is not { } found)
            {
                return TypedResults.NotFound();
            }

            product = Products.GetOrAdd(id, found);
        }

        CatalogApi.SetCacheHeaders(http, product, options.Value);
        return TypedResults.Ok(product);
    }
}
