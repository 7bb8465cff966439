using ScaleFast.Api.Http;

namespace ScaleFast.Api.Catalog;

internal static class ProductRequestValidation
{
    public const decimal MaxPrice = 1_000_000m;

    public static ValidationErrors Validate(this ProductRequest request)
    {
        var errors = new ValidationErrors();
        errors.RequireLength("sku", request.Sku, 1, 64);
        if (request.Sku is { Length: > 0 } sku && !sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add("sku", "Only letters, digits, '-' and '_'.");
        }

        errors.RequireLength("name", request.Name, 1, 200);
        errors.RequireLength("description", request.Description, 0, 2000);
        errors.RequireLength("category", request.Category, 1, 50);
        if (request.Price is < 0 or > MaxPrice || decimal.Round(request.Price, 2) != request.Price)
        {
            errors.Add("price", $"Must be between 0 and {MaxPrice} with at most two decimals.");
        }

        if (request.Stock < 0)
        {
            errors.Add("stock", "Must not be negative.");
        }

        return errors;
    }
}
