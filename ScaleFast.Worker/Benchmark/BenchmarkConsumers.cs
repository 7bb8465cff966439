using Dapper;
using MassTransit;
using Npgsql;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Benchmark;

/// <summary>A benchmark job: claims its inbox row in a transaction and commits, like a consumer with a database effect.</summary>
internal sealed class BenchmarkJobConsumer(NpgsqlDataSource dataSource, Inbox.Inbox inbox, BenchmarkRun run) : IConsumer<BenchmarkJobRequested>
{
    public async Task Consume(ConsumeContext<BenchmarkJobRequested> context)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(context.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(context.CancellationToken))
        {
            await inbox.TryClaimAsync(connection, transaction, context.MessageId, "benchmark-job", context.CancellationToken);
            await transaction.CommitAsync(context.CancellationToken);
        }

        run.Completed(context.Message.RunId);
    }
}

/// <summary>
/// Benchmark jobs in batches of up to <see cref="MessageLimit"/>: one transaction claims the inbox
/// rows of the whole batch (those already claimed are skipped) and commits, then every message of
/// the batch is acknowledged. What a consumer of many small database jobs should do: one commit,
/// and one WAL flush, per batch instead of per message.
/// </summary>
internal sealed class BenchmarkBatchedJobConsumer(NpgsqlDataSource dataSource, BenchmarkRun run) : IConsumer<Batch<BenchmarkBatchedJobRequested>>
{
    public const int MessageLimit = 100;

    public async Task Consume(ConsumeContext<Batch<BenchmarkBatchedJobRequested>> context)
    {
        var ids = context.Message.Select(m => m.MessageId ?? throw new InvalidOperationException("A message without a message id cannot be deduplicated.")).ToArray();
        await using (var connection = await dataSource.OpenConnectionAsync(context.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(context.CancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO inbox (message_id, consumer) SELECT unnest(@ids), 'benchmark-batched-job' ON CONFLICT DO NOTHING",
                new { ids }, transaction, cancellationToken: context.CancellationToken));
            await transaction.CommitAsync(context.CancellationToken);
        }

        foreach (var message in context.Message)
        {
            run.Completed(message.Message.RunId);
        }
    }
}

/// <summary>The ceiling: consumes and counts, nothing else.</summary>
internal sealed class BenchmarkPingConsumer(BenchmarkRun run) : IConsumer<BenchmarkPingPublished>
{
    public Task Consume(ConsumeContext<BenchmarkPingPublished> context)
    {
        run.Completed(context.Message.RunId);
        return Task.CompletedTask;
    }
}
