using System.Diagnostics;
using System.Reflection;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// Runs the built AppHost as its own process, the way a user's <c>dotnet run</c> does, for what
/// happens before or instead of a running app: publishing, and refusing to start.
/// </summary>
internal static class AppHostProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static async Task<Result> RunAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(arguments, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The AppHost did not exit within {timeout}: {await output} {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the AppHost and hands each line it writes (standard output and error) to <paramref name="onLine"/>.</summary>
    public static Process Start(IEnumerable<string> arguments, IDictionary<string, string> environment, Action<string> onLine)
    {
        var process = new Process { StartInfo = StartInfo(arguments, environment) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(DotnetHost, [AppHostAssembly, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(AppHostAssembly)!,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>The AppHost's own build output, built with the same configuration as these tests.</summary>
    private static string AppHostAssembly
    {
        get
        {
            var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            return Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "bin", configuration, "net10.0", "ScaleFast.AppHost.dll");
        }
    }

    /// <summary>The dotnet host running these tests, found without PATH (tests may run the AppHost with an empty PATH).</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath!;
}
