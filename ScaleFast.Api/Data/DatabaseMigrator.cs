using DbUp;
using Microsoft.Extensions.Options;
using Npgsql;
using ScaleFast.Settings;

namespace ScaleFast.Api.Data;

/// <summary>
/// Brings the schema up to date before the instance serves, once even when every API replica
/// starts at the same moment: the replicas queue on a Postgres advisory lock, the first applies
/// the versioned scripts (<c>Data/Migrations/NNNN_*.sql</c>, journaled by DbUp), the others find
/// nothing left to do.
/// </summary>
internal sealed partial class DatabaseMigrator(
    IConfiguration configuration,
    IOptions<DemoDataOptions> demoData,
    ILogger<DatabaseMigrator> logger)
{
    // Any fixed number: every replica must take the same lock.
    private const long MigrationLockKey = 0x5CA1EFA5;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // Its own unpooled connections: they close when done instead of idling in a pool slot.
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(ApiConnectionNames.Database))
        {
            Pooling = false,
        }.ConnectionString;

        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var takeLock = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            takeLock.Parameters.AddWithValue("key", MigrationLockKey);
            await takeLock.ExecuteNonQueryAsync(cancellationToken);
        }

        var upgrade = DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.Contains(".Data.Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(logger)
            .Build();

        var result = upgrade.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"The database migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        }

        var applied = result.Scripts.Count();
        LogMigrated(applied);

        if (demoData.Value.Products > 0)
        {
            var added = await DemoData.SeedProductsAsync(lockConnection, demoData.Value.Products, cancellationToken);
            LogDemoData(added, demoData.Value.Products);
        }

        // Closing the connection releases the advisory lock for the next replica.
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema up to date ({Applied} scripts applied by this instance).")]
    private partial void LogMigrated(int applied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Added} of {Wanted} demo products added.")]
    private partial void LogDemoData(int added, int wanted);
}
