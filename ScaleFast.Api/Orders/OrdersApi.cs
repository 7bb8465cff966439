using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ScaleFast.Api.Orders;

/// <summary><c>/api/orders</c>: place an order (idempotent with <c>Idempotency-Key</c>) and read it back.</summary>
public static class OrdersApi
{
    public const string IdempotencyKeyHeader = ScaleFast.Contracts.ApiHeaders.IdempotencyKey;
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxIdempotencyKeyLength = 200;

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        orders.MapPost("/", PlaceOrderAsync).WithName("PlaceOrder")
            .WithSummary("Places an order")
            .WithDescription(
                "Takes the stock and records the order with its confirmation email in one transaction; a worker sends the email. " +
                "With Idempotency-Key, a repeat of the same request gets the first answer (Idempotent-Replayed: true) and takes no stock.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        orders.MapGet("/{id:guid}", GetOrderAsync).WithName("GetOrder")
            .WithSummary("Reads an order")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Results<Created<Order>, ValidationProblem, ProblemHttpResult>> PlaceOrderAsync(
        PlaceOrderRequest request,
        [FromHeader(Name = IdempotencyKeyHeader), Display(Name = IdempotencyKeyHeader), StringLength(MaxIdempotencyKeyLength, MinimumLength = 1),
         RegularExpression("[!-~]*", ErrorMessage = "Visible ASCII characters only.")] string? idempotencyKey,
        HttpContext http,
        OrderStore store,
        CancellationToken cancellationToken)
    {
        switch (await store.PlaceAsync(request, idempotencyKey, cancellationToken))
        {
            case PlaceOrderOutcome.Placed placed:
                if (placed.Replayed)
                {
                    http.Response.Headers[ReplayedHeader] = "true";
                }

                return TypedResults.Created($"/api/orders/{placed.Order.Id}", placed.Order);

            case PlaceOrderOutcome.UnknownProducts unknown:
                return TypedResults.ValidationProblem(unknown.Lines.ToDictionary(
                    l => $"lines[{l.Line}].productId", l => new[] { $"There is no product {l.ProductId}." }));

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
