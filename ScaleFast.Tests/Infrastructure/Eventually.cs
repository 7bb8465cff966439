namespace ScaleFast.Tests.Infrastructure;

/// <summary>For what becomes true a little later (a scrape, a health probe): read until done or the time is up.</summary>
internal static class Eventually
{
    /// <returns>The last value read: done, or the one to report when the time ran out.</returns>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            value = await read();
        }

        return value;
    }
}
