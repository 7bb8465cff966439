using System.Diagnostics;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>One-shot programs a test runs (kubectl, node, initdb, pg_controldata).</summary>
internal static class Command
{
    /// <summary>Runs <paramref name="program"/> to its end and returns its exit code and output.</summary>
    public static async Task<AppHostProcess.Result> RunAsync(string program, IEnumerable<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new AppHostProcess.Result(process.ExitCode, await output, await error);
    }
}
