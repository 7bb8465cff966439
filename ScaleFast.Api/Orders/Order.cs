using System.ComponentModel.DataAnnotations;
using ScaleFast.Api.Http;

namespace ScaleFast.Api.Orders;

/// <summary>The body of <c>POST /api/orders</c>.</summary>
public sealed record PlaceOrderRequest(
    [Required, StringLength(254, MinimumLength = 3), NoNulCharacters, PlainEmailAddress] string? CustomerEmail,
    [Required, Length(1, PlaceOrderRequest.MaxLines, ErrorMessage = "Between 1 and {2} lines.")] IReadOnlyList<OrderLineRequest?>? Lines)
    : IValidatableObject
{
    public const int MaxLines = 50;

    /// <summary>
    /// What attributes cannot say, as they see one value at a time: every line is there, and each
    /// product is on one line only. Runs once the attributes found nothing wrong.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var seen = new HashSet<long>();
        for (var i = 0; i < Lines?.Count; i++)
        {
            if (Lines[i] is not { } line)
            {
                yield return new ValidationResult("Required.", [$"{nameof(Lines)}[{i}]"]);
            }
            else if (!seen.Add(line.ProductId))
            {
                yield return new ValidationResult($"Product {line.ProductId} is on another line already.", [$"{nameof(Lines)}[{i}].{nameof(line.ProductId)}"]);
            }
        }
    }
}

/// <summary>One line of a <see cref="PlaceOrderRequest"/>.</summary>
public sealed record OrderLineRequest(
    [Range(1, long.MaxValue, ErrorMessage = "Must be a product id (positive).")] long ProductId,
    [Range(1, OrderLineRequest.MaxQuantity)] int Quantity)
{
    public const int MaxQuantity = 1000;
}

/// <summary>A placed order, with the names and prices of its products when it was placed.</summary>
public sealed record Order(Guid Id, string CustomerEmail, IReadOnlyList<OrderLine> Lines, decimal Total, DateTime PlacedAt);

/// <summary>One line of an <see cref="Order"/>.</summary>
public sealed record OrderLine(long ProductId, string ProductName, decimal UnitPrice, int Quantity);
