namespace ScaleFast.Api.Orders;

/// <summary>The body of <c>POST /api/orders</c>.</summary>
public sealed record PlaceOrderRequest(string? CustomerEmail, IReadOnlyList<OrderLineRequest?>? Lines);

/// <summary>One line of a <see cref="PlaceOrderRequest"/>.</summary>
public sealed record OrderLineRequest(long ProductId, int Quantity);

/// <summary>A placed order, with the names and prices of its products when it was placed.</summary>
public sealed record Order(Guid Id, string CustomerEmail, IReadOnlyList<OrderLine> Lines, decimal Total, DateTime PlacedAt);

/// <summary>One line of an <see cref="Order"/>.</summary>
public sealed record OrderLine(long ProductId, string ProductName, decimal UnitPrice, int Quantity);
