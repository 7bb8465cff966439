using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ScaleFast.Api.Orders;

/// <summary><c>/api/orders</c>: place an order (idempotent with <c>Idempotency-Key</c>) and read it back.</summary>
public static class OrdersApi
{
    public const string IdempotencyKeyHeader = ScaleFast.Contracts.ApiHeaders.IdempotencyKey;
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders");
        orders.MapPost("/", PlaceOrderAsync).WithName("PlaceOrder");
        orders.MapGet("/{id:guid}", GetOrderAsync).WithName("GetOrder");
        return app;
    }

    internal static async Task<Results<Created<Order>, ValidationProblem, ProblemHttpResult>> PlaceOrderAsync(
        PlaceOrderRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        HttpContext http,
        OrderStore store,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate(idempotencyKey);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        switch (await store.PlaceAsync(request, idempotencyKey, cancellationToken))
        {
            case PlaceOrderOutcome.Placed placed:
                if (placed.Replayed)
                {
                    http.Response.Headers[ReplayedHeader] = "true";
                }

                return TypedResults.Created($"/api/orders/{placed.Order.Id}", placed.Order);

            case PlaceOrderOutcome.UnknownProducts unknown:
                foreach (var (line, productId) in unknown.Lines)
                {
                    errors.Add($"lines[{line}].productId", $"There is no product {productId}.");
                }

                return errors.ToProblem();

            case PlaceOrderOutcome.InsufficientStock insufficient:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Not enough stock.",
                    detail: string.Join(" ", insufficient.Shortages.Select(s =>
                        $"Product {s.ProductId} '{s.ProductName}': {s.Requested} ordered, {s.Available} left.")),
                    extensions: new Dictionary<string, object?> { ["shortages"] = insufficient.Shortages });

            default:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "The idempotency key was used for another request.",
                    detail: $"{IdempotencyKeyHeader} '{idempotencyKey}' was first sent with a different body; use a new key for a new order.");
        }
    }

    internal static async Task<Results<Ok<Order>, ProblemHttpResult>> GetOrderAsync(Guid id, OrderStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } order
            ? TypedResults.Ok(order)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such order.", detail: $"There is no order {id}.");
}
