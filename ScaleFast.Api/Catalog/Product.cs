using System.ComponentModel.DataAnnotations;
using ScaleFast.Api.Http;

namespace ScaleFast.Api.Catalog;

/// <summary>
/// A product as the API shows it and the cache keeps it. No stock: stock changes with every order,
/// so it is read from the database each time (<c>GET /api/products/{id}/stock</c>).
/// </summary>
public sealed record Product(
    long Id,
    string Sku,
    string Name,
    string Description,
    string Category,
    decimal Price,
    int Version,
    DateTime UpdatedAt);

/// <summary>The body of <c>POST /api/products</c> and <c>PUT /api/products/{id}</c>.</summary>
public sealed record ProductRequest(
    [Required, StringLength(64), RegularExpression("[A-Za-z0-9_-]*", ErrorMessage = "Only letters, digits, '-' and '_'.")] string? Sku,
    [Required, StringLength(200), NoNulCharacters] string? Name,
    [StringLength(2000), NoNulCharacters] string? Description,
    [Required, StringLength(50), NoNulCharacters] string? Category,
    [Range(typeof(decimal), "0", "1000000", ParseLimitsInInvariantCulture = true), MaxDecimalPlaces(2)] decimal Price,
    [Range(0, int.MaxValue)] int Stock);

/// <summary>One page of <c>GET /api/products</c>; <paramref name="Next"/> is the link to the next page, if any.</summary>
public sealed record ProductPage(IReadOnlyList<Product> Items, string? Next);

/// <summary>A product's current stock, never cached.</summary>
public sealed record ProductStock(long ProductId, int Stock);
