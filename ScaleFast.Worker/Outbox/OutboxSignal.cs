using System.Threading.Channels;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// Wakes the relay: set by a Postgres notification on the <c>outbox</c> channel. Notifications that
/// arrive while the relay is busy collapse into one wake-up, which is all the relay needs: a channel
/// of capacity one that drops what does not fit.
/// </summary>
internal sealed class OutboxSignal
{
    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => _wakeUps.Writer.TryWrite(true);

    /// <summary>Waits for a notification or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeLimit.CancelAfter(timeout);
        try
        {
            await _wakeUps.Reader.ReadAsync(timeLimit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The time is up: the relay polls.
        }
    }
}
