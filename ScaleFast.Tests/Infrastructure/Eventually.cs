namespace ScaleFast.Tests.Infrastructure;

/// <summary>For what becomes true a little later (a scrape, a health probe): read until done or the time is up.</summary>
internal static class Eventually
{
    /// <param name="read">Reads the value.</param>
    /// <param name="done">Whether it is what the test waits for.</param>
    /// <param name="within">How long to read for.</param>
    /// <param name="every">Between reads; a second unless the test times the moment it turns done.</param>
    /// <returns>The last value read: done, or the one to report when the time ran out.</returns>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + within;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(every ?? TimeSpan.FromSeconds(1));
            value = await read();
        }

        return value;
    }
}
