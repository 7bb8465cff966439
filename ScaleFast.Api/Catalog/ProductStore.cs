using Dapper;
using Npgsql;

namespace ScaleFast.Api.Catalog;

/// <summary>Products in Postgres. Every call borrows a pooled connection for one statement.</summary>
internal sealed class ProductStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, sku, name, description, category, price, version, updated_at AS UpdatedAt";

    public async Task<Product?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Product>(
            new CommandDefinition($"SELECT {Columns} FROM products WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Keyset pagination: the products after <paramref name="after"/> by id, optionally in one category.</summary>
    public async Task<IReadOnlyList<Product>> ListAsync(string? category, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sql = category is null
            ? $"SELECT {Columns} FROM products WHERE id > @after ORDER BY id LIMIT @limit"
            : $"SELECT {Columns} FROM products WHERE category = @category AND id > @after ORDER BY id LIMIT @limit";
        var products = await connection.QueryAsync<Product>(
            new CommandDefinition(sql, new { category, after, limit }, cancellationToken: cancellationToken));
        return products.AsList();
    }

    public async Task<ProductStock?> GetStockAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ProductStock>(
            new CommandDefinition("SELECT id AS ProductId, stock FROM products WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<ProductWrite> CreateAsync(ProductRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var product = await connection.QuerySingleAsync<Product>(new CommandDefinition(
                $"""
                INSERT INTO products (sku, name, description, category, price, stock)
                VALUES (@Sku, @Name, @Description, @Category, @Price, @Stock)
                RETURNING {Columns}
                """,
                request with { Description = request.Description ?? string.Empty },
                cancellationToken: cancellationToken));
            return new ProductWrite(ProductWriteStatus.Done, product);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return new ProductWrite(ProductWriteStatus.DuplicateSku, null);
        }
    }

    /// <summary>Replaces a product if it is at <paramref name="expectedVersion"/> (any version when null).</summary>
    public async Task<ProductWrite> UpdateAsync(long id, ProductRequest request, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var product = await connection.QuerySingleOrDefaultAsync<Product>(new CommandDefinition(
                $"""
                UPDATE products
                SET sku = @Sku, name = @Name, description = @Description, category = @Category, price = @Price, stock = @Stock,
                    version = version + 1, updated_at = now()
                WHERE id = @id AND (@expectedVersion::integer IS NULL OR version = @expectedVersion)
                RETURNING {Columns}
                """,
                new { id, expectedVersion, request.Sku, request.Name, Description = request.Description ?? string.Empty, request.Category, request.Price, request.Stock },
                cancellationToken: cancellationToken));
            return product is not null
                ? new ProductWrite(ProductWriteStatus.Done, product)
                : new ProductWrite(await ExistsAsync(connection, id, cancellationToken) ? ProductWriteStatus.VersionMismatch : ProductWriteStatus.NotFound, null);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return new ProductWrite(ProductWriteStatus.DuplicateSku, null);
        }
    }

    public async Task<ProductWriteStatus> DeleteAsync(long id, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM products WHERE id = @id AND (@expectedVersion::integer IS NULL OR version = @expectedVersion)",
            new { id, expectedVersion },
            cancellationToken: cancellationToken));
        return deleted == 1 ? ProductWriteStatus.Done
            : await ExistsAsync(connection, id, cancellationToken) ? ProductWriteStatus.VersionMismatch
            : ProductWriteStatus.NotFound;
    }

    private static Task<bool> ExistsAsync(NpgsqlConnection connection, long id, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM products WHERE id = @id)", new { id }, cancellationToken: cancellationToken));
}

internal enum ProductWriteStatus
{
    Done,
    NotFound,
    VersionMismatch,
    DuplicateSku,
}

/// <summary>The outcome of a write, with the product as written when it was done.</summary>
internal sealed record ProductWrite(ProductWriteStatus Status, Product? Product);
