using System.Net.Mail;
using ScaleFast.Api.Http;

namespace ScaleFast.Api.Orders;

internal static class PlaceOrderValidation
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 1000;
    public const int MaxIdempotencyKeyLength = 200;

    public static ValidationErrors Validate(this PlaceOrderRequest request, string? idempotencyKey)
    {
        var errors = new ValidationErrors();

        errors.RequireLength("customerEmail", request.CustomerEmail, 3, 254);
        if (request.CustomerEmail is { Length: > 0 and <= 254 } email && !IsPlainAddress(email))
        {
            errors.Add("customerEmail", "Not an email address.");
        }

        if (request.Lines is null || request.Lines.Count is 0 or > MaxLines)
        {
            errors.Add("lines", $"Between 1 and {MaxLines} lines.");
        }
        else
        {
            var seen = new HashSet<long>();
            for (var i = 0; i < request.Lines.Count; i++)
            {
                if (request.Lines[i] is not { } line)
                {
                    errors.Add($"lines[{i}]", "Required.");
                    continue;
                }

                if (line.ProductId <= 0)
                {
                    errors.Add($"lines[{i}].productId", "Must be a product id (positive).");
                }
                else if (!seen.Add(line.ProductId))
                {
                    errors.Add($"lines[{i}].productId", $"Product {line.ProductId} is on another line already.");
                }

                if (line.Quantity is < 1 or > MaxQuantity)
                {
                    errors.Add($"lines[{i}].quantity", $"Must be between 1 and {MaxQuantity}.");
                }
            }
        }

        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength || !idempotencyKey.All(c => c is > ' ' and <= '~')))
        {
            errors.Add(ScaleFast.Contracts.ApiHeaders.IdempotencyKey, $"1 to {MaxIdempotencyKeyLength} visible ASCII characters.");
        }

        return errors;
    }

    private static bool IsPlainAddress(string text) =>
        MailAddress.TryCreate(text, out var address) && address.Address == text && address.Host.Contains('.', StringComparison.Ordinal);
}
