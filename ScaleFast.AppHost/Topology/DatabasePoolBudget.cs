using System.Globalization;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// Connection pooling for the fleet: the total number of connections is a budget of
/// <see cref="ScaleFastOptions.PoolFactor"/> × the database server's cores, shared by every
/// instance that uses the database (at least <see cref="MinimumPerInstance"/> each), and Postgres'
/// <c>max_connections</c> must hold all of them, the connections held outside the pools (each
/// worker's outbox listener) and <see cref="ReservedConnections"/>.
/// </summary>
/// <param name="Instances">How many instances share the budget.</param>
/// <param name="PerInstance">Each instance's <c>Maximum Pool Size</c>.</param>
/// <param name="MaxConnections">Postgres <c>max_connections</c>.</param>
public sealed record DatabasePoolBudget(int Instances, int PerInstance, int MaxConnections)
{
    /// <summary>The smallest pool an instance gets, whatever the budget: one query and one health check.</summary>
    public const int MinimumPerInstance = 2;

    /// <summary>
    /// Connections kept out of the pools: Postgres' 3 superuser slots, the migration lock and
    /// runner, the AppHost's health check and an operator's psql.
    /// </summary>
    public const int ReservedConnections = 10;

    /// <summary><c>Connection Lifetime</c>: a connection is replaced after 10 minutes, so that load spreads again after a failover or scale-out.</summary>
    public const int ConnectionLifetimeSeconds = 600;

    /// <summary><c>Connection Idle Lifetime</c>: idle connections above the minimum are closed after 5 minutes.</summary>
    public const int ConnectionIdleLifetimeSeconds = 300;

    /// <summary>Computes the budget for <paramref name="instances"/> database users.</summary>
    /// <param name="options">The knobs.</param>
    /// <param name="instances">Instances with a pool.</param>
    /// <param name="unpooled">Connections held open outside the pools.</param>
    /// <exception cref="ScaleFastSetupException">The pools cannot fit under <c>max_connections</c>.</exception>
    public static DatabasePoolBudget For(ScaleFastOptions options, int instances, int unpooled = 0)
    {
        var cores = options.DatabaseCores ?? Environment.ProcessorCount;
        var perInstance = Math.Max(MinimumPerInstance, options.PoolFactor * cores / instances);
        var needed = (instances * perInstance) + unpooled + ReservedConnections;
        if (needed > options.DatabaseMaxConnections)
        {
            throw new ScaleFastSetupException(
                $"The database connection pools do not fit: {instances} instances × {perInstance} connections " +
                (unpooled > 0 ? $"+ {unpooled} held outside the pools " : string.Empty) +
                $"+ {ReservedConnections} reserved = {needed}, above ScaleFast:DatabaseMaxConnections = {options.DatabaseMaxConnections}. " +
                $"Raise ScaleFast:DatabaseMaxConnections to at least {needed}, or lower ScaleFast:PoolFactor or the replica counts.");
        }

        return new DatabasePoolBudget(instances, perInstance, options.DatabaseMaxConnections);
    }

    /// <summary>
    /// <c>Max Auto Prepare</c>: Npgsql prepares the statements an instance runs most, so that the
    /// server parses and plans them once per connection instead of once per execution
    /// (<c>bench/worker.sh</c>: about a third more jobs per second). Safe with migrations that add
    /// columns because no query selects <c>*</c>.
    /// </summary>
    public const int AutoPreparedStatements = 32;

    /// <summary>The Npgsql connection string settings that apply this budget to one instance.</summary>
    /// <remarks>
    /// <c>No Reset On Close</c>: a connection going back to the pool keeps its session (and its
    /// prepared statements) instead of a <c>DISCARD ALL</c> round trip; no ScaleFast code changes
    /// session state outside a transaction (session advisory locks and <c>LISTEN</c> use connections
    /// outside the pool).
    /// </remarks>
    public string ConnectionStringSettings => string.Create(CultureInfo.InvariantCulture,
        $"Maximum Pool Size={PerInstance};Connection Lifetime={ConnectionLifetimeSeconds};Connection Idle Lifetime={ConnectionIdleLifetimeSeconds};" +
        $"Max Auto Prepare={AutoPreparedStatements};No Reset On Close=true");
}
