using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Npgsql;
using ScaleFast.Api.Data;
using ScaleFast.Contracts;

namespace ScaleFast.Api.Orders;

/// <summary>
/// Places orders in one transaction: claim the idempotency key, lock the products in id order
/// (so concurrent orders queue instead of deadlocking), check and take the stock, write the order
/// and its <see cref="OrderPlaced"/> outbox message. Either all of it commits or none.
/// </summary>
internal sealed class OrderStore(NpgsqlDataSource dataSource)
{
    public async Task<PlaceOrderOutcome> PlaceAsync(PlaceOrderRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var lines = request.Lines!.Select(line => line!).ToList();
        var customerEmail = request.CustomerEmail!;
        var requestHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request));
        var orderId = Guid.CreateVersion7();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        if (idempotencyKey is not null)
        {
            // A concurrent request with the same key waits here until this one commits or rolls back.
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO idempotency_keys (key, request_hash, order_id) VALUES (@idempotencyKey, @requestHash, @orderId) ON CONFLICT (key) DO NOTHING",
                new { idempotencyKey, requestHash, orderId }, transaction, cancellationToken: cancellationToken));
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return await ReplayAsync(connection, idempotencyKey, requestHash, cancellationToken);
            }
        }

        var ids = lines.Select(line => line.ProductId).ToArray();
        var products = (await connection.QueryAsync<StockRow>(new CommandDefinition(
                "SELECT id, name, price, stock FROM products WHERE id = ANY(@ids) ORDER BY id FOR UPDATE",
                new { ids }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(product => product.Id);

        var unknown = lines.Select((line, index) => (line, index)).Where(l => !products.ContainsKey(l.line.ProductId)).ToList();
        if (unknown.Count > 0)
        {
            return new PlaceOrderOutcome.UnknownProducts([.. unknown.Select(l => (l.index, l.line.ProductId))]);
        }

        var shortages = lines
            .Where(line => products[line.ProductId].Stock < line.Quantity)
            .Select(line => new StockShortage(line.ProductId, products[line.ProductId].Name, products[line.ProductId].Stock, line.Quantity))
            .ToList();
        if (shortages.Count > 0)
        {
            return new PlaceOrderOutcome.InsufficientStock(shortages);
        }

        var quantities = lines.Select(line => line.Quantity).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE products p SET stock = p.stock - w.quantity FROM unnest(@ids, @quantities) AS w(id, quantity) WHERE p.id = w.id",
            new { ids, quantities }, transaction, cancellationToken: cancellationToken));

        var orderLines = lines
            .Select(line => new OrderLine(line.ProductId, products[line.ProductId].Name, products[line.ProductId].Price, line.Quantity))
            .ToList();
        var total = orderLines.Sum(line => line.UnitPrice * line.Quantity);

        var placedAt = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
            """
            INSERT INTO orders (id, customer_email, total) VALUES (@orderId, @customerEmail, @total) RETURNING placed_at;
            INSERT INTO order_lines (order_id, line_number, product_id, product_name, unit_price, quantity)
            SELECT @orderId, l.n, l.product_id, l.product_name, l.unit_price, l.quantity
            FROM unnest(@ids, @names, @prices, @quantities) WITH ORDINALITY AS l(product_id, product_name, unit_price, quantity, n);
            """,
            new
            {
                orderId,
                customerEmail,
                total,
                ids,
                names = orderLines.Select(line => line.ProductName).ToArray(),
                prices = orderLines.Select(line => line.UnitPrice).ToArray(),
                quantities,
            },
            transaction, cancellationToken: cancellationToken));

        var order = new Order(orderId, customerEmail, orderLines, total, placedAt);
        await Outbox.AddAsync(connection, transaction, new OrderPlaced(
            order.Id,
            order.CustomerEmail,
            [.. orderLines.Select(line => new OrderPlacedLine(line.ProductId, line.ProductName, line.UnitPrice, line.Quantity))],
            order.Total,
            new DateTimeOffset(order.PlacedAt, TimeSpan.Zero)), cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return new PlaceOrderOutcome.Placed(order, Replayed: false);
    }

    public async Task<Order?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, id, cancellationToken);
    }

    private static async Task<PlaceOrderOutcome> ReplayAsync(
        NpgsqlConnection connection, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken)
    {
        var (storedHash, orderId) = await connection.QuerySingleAsync<(byte[], Guid)>(new CommandDefinition(
            "SELECT request_hash, order_id FROM idempotency_keys WHERE key = @idempotencyKey",
            new { idempotencyKey }, cancellationToken: cancellationToken));
        if (!storedHash.AsSpan().SequenceEqual(requestHash))
        {
            return new PlaceOrderOutcome.KeyReused();
        }

        var order = await FindAsync(connection, orderId, cancellationToken)
            ?? throw new InvalidOperationException($"Idempotency key '{idempotencyKey}' names order {orderId}, which does not exist.");
        return new PlaceOrderOutcome.Placed(order, Replayed: true);
    }

    private static async Task<Order?> FindAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken)
    {
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT id, customer_email AS CustomerEmail, total, placed_at AS PlacedAt FROM orders WHERE id = @id;
            SELECT product_id AS ProductId, product_name AS ProductName, unit_price AS UnitPrice, quantity
            FROM order_lines WHERE order_id = @id ORDER BY line_number;
            """,
            new { id }, cancellationToken: cancellationToken));
        var order = await results.ReadSingleOrDefaultAsync<OrderRow>();
        var lines = (await results.ReadAsync<OrderLine>()).AsList();
        return order is null ? null : new Order(order.Id, order.CustomerEmail, lines, order.Total, order.PlacedAt);
    }

    private sealed record StockRow(long Id, string Name, decimal Price, int Stock);

    private sealed record OrderRow(Guid Id, string CustomerEmail, decimal Total, DateTime PlacedAt);
}

/// <summary>A product an order wants more of than there is.</summary>
public sealed record StockShortage(long ProductId, string ProductName, int Available, int Requested);

/// <summary>What became of a <c>POST /api/orders</c>.</summary>
internal abstract record PlaceOrderOutcome
{
    /// <summary>Placed now, or earlier under the same idempotency key and body (<paramref name="Replayed"/>).</summary>
    public sealed record Placed(Order Order, bool Replayed) : PlaceOrderOutcome;

    /// <summary>Lines (by index) naming products that do not exist.</summary>
    public sealed record UnknownProducts(IReadOnlyList<(int Line, long ProductId)> Lines) : PlaceOrderOutcome;

    public sealed record InsufficientStock(IReadOnlyList<StockShortage> Shortages) : PlaceOrderOutcome;

    /// <summary>The idempotency key was used before with a different body.</summary>
    public sealed record KeyReused : PlaceOrderOutcome;
}
