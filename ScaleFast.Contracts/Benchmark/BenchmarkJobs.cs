namespace ScaleFast.Contracts;

/// <summary>
/// A small job for <c>bench/worker.sh</c>, written to the outbox like any message: its effect is
/// the consumer's committed inbox row. Only in a benchmark build (<c>-p:ScaleFastBenchmarks=true</c>),
/// consumed by workers started with <c>Benchmark:Enabled</c>.
/// </summary>
/// <param name="RunId">The benchmark run it belongs to.</param>
/// <param name="Sequence">Its number within the run.</param>
/// <param name="Payload">Filler that gives the message its size.</param>
[MessageName("benchmark-job-requested")]
public sealed record BenchmarkJobRequested(Guid RunId, int Sequence, string Payload);

/// <summary>
/// The same job as <see cref="BenchmarkJobRequested"/>, consumed in batches: one transaction claims
/// the inbox rows of up to 100 messages.
/// </summary>
/// <param name="RunId">The benchmark run it belongs to.</param>
/// <param name="Sequence">Its number within the run.</param>
/// <param name="Payload">Filler that gives the message its size.</param>
[MessageName("benchmark-batched-job-requested")]
public sealed record BenchmarkBatchedJobRequested(Guid RunId, int Sequence, string Payload);

/// <summary>
/// The same size of message as <see cref="BenchmarkJobRequested"/>, published straight to the bus
/// and consumed with no effect: the broker's ceiling that <c>bench/worker.sh</c> compares with.
/// </summary>
/// <param name="RunId">The benchmark run it belongs to.</param>
/// <param name="Sequence">Its number within the run.</param>
/// <param name="Payload">Filler that gives the message its size.</param>
public sealed record BenchmarkPingPublished(Guid RunId, int Sequence, string Payload);
