using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace ScaleFast.Worker.Reports;

/// <summary>
/// The sales report: quantity and revenue of the orders placed from one day to another (UTC days,
/// both included), per day and product, with totals per product, per day and overall, computed by
/// Postgres in one <c>GROUPING SETS</c> query, written as CSV (RFC 4180).
/// </summary>
/// <remarks>
/// Columns: <c>day,product_id,product_name,quantity,revenue</c>. A total per product has an empty
/// day; a total per day has an empty product; the overall total has both empty, comes last, and is
/// there (zero) when there is no order.
/// </remarks>
internal static class SalesReport
{
    public const string Header = "day,product_id,product_name,quantity,revenue";

    public static async Task<string> ComputeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<SalesRow>(new CommandDefinition(
            """
            WITH sold AS (
                SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS day, l.product_id, l.product_name, l.quantity, l.unit_price
                FROM orders o
                JOIN order_lines l ON l.order_id = o.id
                WHERE o.placed_at >= @from AND o.placed_at < @until
            )
            SELECT day,
                   product_id AS productid,
                   min(product_name) AS productname,
                   coalesce(sum(quantity), 0)::bigint AS quantity,
                   coalesce(sum(quantity * unit_price), 0) AS revenue,
                   GROUPING(day) AS alldays,
                   GROUPING(product_id) AS allproducts
            FROM sold
            GROUP BY GROUPING SETS ((day, product_id), (day), (product_id), ())
            ORDER BY alldays, allproducts, day, productid
            """,
            new
            {
                from = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                until = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            },
            transaction, cancellationToken: cancellationToken));

        var csv = new StringBuilder().Append(Header).Append("\r\n");
        foreach (var row in rows)
        {
            csv.Append(row.AllDays == 1 ? string.Empty : row.Day!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.AllProducts == 1 ? string.Empty : row.ProductId!.Value.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.AllProducts == 1 ? string.Empty : Quote(row.ProductName!)).Append(',')
                .Append(row.Quantity.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Revenue.ToString("0.00", CultureInfo.InvariantCulture)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private sealed record SalesRow(DateOnly? Day, long? ProductId, string? ProductName, long Quantity, decimal Revenue, int AllDays, int AllProducts);
}
