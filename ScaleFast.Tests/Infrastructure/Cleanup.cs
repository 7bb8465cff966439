using System.Diagnostics;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>Stopping what a test started, and removing what it wrote.</summary>
internal static class Cleanup
{
    /// <summary>SIGINT (Ctrl+C; Postgres' fast shutdown), then a kill of the whole tree if it is not gone within <paramref name="timeout"/>.</summary>
    public static async Task InterruptAsync(this Process process, TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        Process.Start("kill", ["-INT", $"{process.Id}"])!.WaitForExit();
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
