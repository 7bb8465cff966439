using System.Diagnostics;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>Stopping what a test started, and removing what it wrote.</summary>
internal static class Cleanup
{
    /// <summary>SIGINT (Ctrl+C; Postgres' fast shutdown), then a kill of the whole tree if it is not gone within <paramref name="timeout"/>.</summary>
    public static Task InterruptAsync(this Process process, TimeSpan timeout) => StopAsync(process, "INT", timeout);

    /// <summary>
    /// SIGTERM (a service manager's stop, which a .NET host takes as it takes Ctrl+C), then a kill
    /// of the whole tree if it is not gone within <paramref name="timeout"/>. For a .NET process:
    /// one started by a background job of a script inherits SIGINT ignored, and keeps ignoring it.
    /// </summary>
    public static Task TerminateAsync(this Process process, TimeSpan timeout) => StopAsync(process, "TERM", timeout);

    private static async Task StopAsync(Process process, string signal, TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        Process.Start("kill", [$"-{signal}", $"{process.Id}"])!.WaitForExit();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public static void DeleteQuietly(this DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server still flushing; the OS cleans temporary directories.
        }
    }
}
