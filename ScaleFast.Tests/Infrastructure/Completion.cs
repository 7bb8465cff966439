using System.Diagnostics;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// How long a task took, read on the thread that completed it. The test's own continuation comes
/// later, through xUnit's synchronization context, on a machine that may be busy stopping the app
/// of the collection before: timed there, a bound on ScaleFast would also measure the test runner.
/// </summary>
internal static class Completion
{
    /// <param name="start">Starts the work; the clock starts just before.</param>
    /// <param name="bound">A task left waiting fails the test here instead of hanging it.</param>
    public static async Task<Timed<T>> TimeAsync<T>(Func<Task<T>> start, TimeSpan bound)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var task = start();
        var completed = task.ContinueWith(
            static _ => (At: Stopwatch.GetTimestamp(), ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var result = await task.WaitAsync(bound);
        var resumed = Stopwatch.GetElapsedTime(startedAt);
        var (at, threads, queued) = await completed;
        return new Timed<T>(result, Stopwatch.GetElapsedTime(startedAt, at), resumed, threads, queued);
    }

    /// <summary>
    /// Asserts that the work completed within [<paramref name="low"/>, <paramref name="high"/>];
    /// the message says what the thread pool held then, the first suspect of a late completion.
    /// </summary>
    public static void AssertWithin<T>(Timed<T> timed, TimeSpan low, TimeSpan high) => Assert.True(
        timed.Elapsed >= low && timed.Elapsed <= high,
        $"Completed after {timed.Elapsed.TotalMilliseconds:F0} ms, expected {low.TotalMilliseconds:F0}–{high.TotalMilliseconds:F0} ms " +
        $"(the test resumed after {timed.Resumed.TotalMilliseconds:F0} ms; thread pool then: {timed.Threads} threads, {timed.Queued} work items queued).");
}

/// <summary>A result and when it came: <see cref="Elapsed"/> on the completing thread, <see cref="Resumed"/> on the test's.</summary>
internal sealed record Timed<T>(T Result, TimeSpan Elapsed, TimeSpan Resumed, int Threads, long Queued);
