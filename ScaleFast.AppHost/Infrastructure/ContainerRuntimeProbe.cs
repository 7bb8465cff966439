using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace ScaleFast.AppHost.Infrastructure;

/// <summary>
/// Asks the container runtime Aspire would use (<c>ASPIRE_CONTAINER_RUNTIME</c>, default docker)
/// whether its engine answers. A client without an engine (the docker CLI alone) does not count.
/// </summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static (bool Available, string Reason) Probe(IConfiguration configuration)
    {
        var runtime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] ?? "docker";

        var start = new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"'{runtime} info' did not answer within {Timeout.TotalSeconds:0} s");
            }

            if (process.ExitCode == 0)
            {
                return (true, $"{runtime} engine {output.Result.Trim()} answered");
            }

            var firstLine = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return (false, $"'{runtime} info' failed: {firstLine ?? $"exit code {process.ExitCode}"}");
        }
        catch (Win32Exception)
        {
            return (false, $"no '{runtime}' command on PATH");
        }
    }
}
