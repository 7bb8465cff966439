namespace ScaleFast.Worker.Outbox;

/// <summary>Exponential back-off with full jitter, from <paramref name="first"/> up to <paramref name="max"/>.</summary>
internal sealed class Backoff(TimeSpan first, TimeSpan max)
{
    private int _failures;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Min(_failures++, 20)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    public void Reset() => _failures = 0;
}
