using Polly;
using Polly.Retry;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// A Polly pipeline that retries what <c>handles</c> accepts for as long as the worker runs,
/// waiting exponentially longer between attempts (with jitter, so that workers do not retry in
/// step) from <c>first</c> up to <c>max</c>. A new execution starts again from <c>first</c>.
/// </summary>
internal static class RetryForever
{
    public static ResiliencePipeline Pipeline(TimeSpan first, TimeSpan max, Func<Exception, bool> handles, Action<Exception, TimeSpan> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // Stopping is not a failure to retry.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && handles(e) && !args.Context.CancellationToken.IsCancellationRequested),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = first,
                MaxDelay = max,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    onRetry(args.Outcome.Exception!, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}
