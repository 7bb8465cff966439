using System.Diagnostics;
using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>Runs one-shot set-up commands (initdb, chown, …) and fails with their output.</summary>
[UnsupportedOSPlatform("windows")]
internal static class ProcessRunner
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<string> RunAsync(
        string command,
        IEnumerable<string> arguments,
        string? standardInput = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };

        using var process = Process.Start(start)
            ?? throw new DistributedApplicationException($"Could not start '{command}'.");

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new DistributedApplicationException($"'{command} {string.Join(' ', start.ArgumentList)}' did not finish within {DefaultTimeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"'{command} {string.Join(' ', start.ArgumentList)}' failed with exit code {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}");
        }

        return await output;
    }
}
