namespace ScaleFast.Worker.Benchmark;

/// <summary>The one benchmark run in progress in this worker: how many messages it waits for, and when they are all in.</summary>
internal sealed class BenchmarkRun
{
    private readonly Lock _gate = new();
    private Guid _id;
    private int _expected;
    private int _completed;
    private TaskCompletionSource? _done;

    /// <summary>Starts a run, or returns null while another is in progress.</summary>
    public Task? TryStart(Guid id, int expected)
    {
        lock (_gate)
        {
            if (_done is { Task.IsCompleted: false })
            {
                return null;
            }

            (_id, _expected, _completed) = (id, expected, 0);
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    public void Completed(Guid id)
    {
        lock (_gate)
        {
            if (id == _id && ++_completed == _expected)
            {
                _done?.TrySetResult();
            }
        }
    }

    public void Abandon()
    {
        lock (_gate)
        {
            _done?.TrySetCanceled();
        }
    }
}
