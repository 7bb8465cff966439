using Npgsql;

namespace ScaleFast.Api.Data;

/// <summary>Deterministic demo products, so that benchmarks and demos start from the same catalog.</summary>
internal static class DemoData
{
    /// <summary>
    /// Adds products <c>DEMO-000001</c> … <c>DEMO-{count}</c> that are not there yet: the same
    /// names, categories and prices on every machine, stock 10,000 each.
    /// </summary>
    /// <returns>How many were added.</returns>
    public static async Task<int> SeedProductsAsync(NpgsqlConnection connection, int count, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO products (sku, name, description, category, price, stock)
            SELECT format('DEMO-%s', lpad(i::text, 6, '0')),
                   format('Demo product %s', i),
                   'Deterministic demo data.',
                   (ARRAY['books', 'games', 'garden', 'kitchen', 'music', 'office', 'outdoor', 'tools', 'toys', 'video'])[1 + i % 10],
                   (500 + (i * 7919) % 99500) / 100.0,
                   10000
            FROM generate_series(1, @count) AS i
            -- Filter first: a conflicting insert would still use up an id.
            WHERE NOT EXISTS (SELECT 1 FROM products WHERE sku = format('DEMO-%s', lpad(i::text, 6, '0')))
            ON CONFLICT (sku) DO NOTHING
            """,
            connection);
        command.Parameters.AddWithValue("count", count);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
