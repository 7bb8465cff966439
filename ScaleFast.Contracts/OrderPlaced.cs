namespace ScaleFast.Contracts;

/// <summary>
/// An order was placed and its stock taken. Written to the outbox in the order's transaction;
/// the worker sends the confirmation email.
/// </summary>
/// <param name="OrderId">The order's id.</param>
/// <param name="CustomerEmail">Where the confirmation goes.</param>
/// <param name="Lines">What was ordered, at the prices of the moment.</param>
/// <param name="Total">The sum of the lines.</param>
/// <param name="PlacedAt">When the order was committed.</param>
[MessageName("order-placed")]
public sealed record OrderPlaced(
    Guid OrderId,
    string CustomerEmail,
    IReadOnlyList<OrderPlacedLine> Lines,
    decimal Total,
    DateTimeOffset PlacedAt);

/// <summary>One line of an <see cref="OrderPlaced"/>.</summary>
/// <param name="ProductId">The product's id.</param>
/// <param name="ProductName">The product's name when ordered.</param>
/// <param name="UnitPrice">The product's price when ordered.</param>
/// <param name="Quantity">How many.</param>
public sealed record OrderPlacedLine(long ProductId, string ProductName, decimal UnitPrice, int Quantity);
