using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ScaleFast.AppHost.Infrastructure;

/// <summary>
/// Asks the container runtime Aspire would use (<c>ASPIRE_CONTAINER_RUNTIME</c>, default docker)
/// whether its engine answers, and whether Aspire's orchestrator (DCP) can drive it: DCP refuses a
/// docker CLI older than 25 (Debian 12's docker.io is 20.10). A client without an engine does not count.
/// </summary>
internal static class ContainerRuntimeProbe
{
    /// <summary>The oldest docker CLI DCP accepts.</summary>
    public const int MinimumDockerCliMajor = 25;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static (bool Available, string Reason) Probe(IConfiguration configuration)
    {
        var runtime = Runtime(configuration);
        var (exitCode, output, error) = Run(runtime, "info", "--format", "{{.ServerVersion}}");
        if (exitCode is null)
        {
            return (false, output);
        }

        if (exitCode != 0)
        {
            var firstLine = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return (false, $"'{runtime} info' failed: {firstLine ?? $"exit code {exitCode}"}");
        }

        if (runtime == "docker" && ClientMajor(runtime) is { } major and < MinimumDockerCliMajor)
        {
            return (false, $"the docker engine answered, but its CLI is version {major}, and Aspire's orchestrator needs {MinimumDockerCliMajor} or later");
        }

        return (true, $"{runtime} engine {output.Trim()} answered");
    }

    /// <summary>
    /// Why containers that reach the host's services (Prometheus scraping them) cannot start, if
    /// they cannot: DCP builds the image of its container-to-host tunnel with BuildKit, which the
    /// docker CLI runs through its buildx plugin. Null when nothing is missing.
    /// </summary>
    public static string? MissingTunnelBuilder(IConfiguration configuration)
    {
        var runtime = Runtime(configuration);
        return runtime == "docker" && Run(runtime, "buildx", "version").ExitCode is not 0
            ? "the docker CLI has no buildx plugin, with which Aspire's orchestrator builds its container-to-host tunnel: " +
              "Prometheus (a container) will not start until docker-buildx is installed"
            : null;
    }

    private static string Runtime(IConfiguration configuration) =>
        configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] ?? "docker";

    private static int? ClientMajor(string runtime)
    {
        var (exitCode, output, _) = Run(runtime, "version", "--format", "{{.Client.Version}}");
        return exitCode == 0 && int.TryParse(output.Trim().Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
    }

    /// <summary>Runs the runtime's CLI; a null exit code means it could not run, and the output says why.</summary>
    private static (int? ExitCode, string Output, string Error) Run(string runtime, params string[] arguments)
    {
        var start = new ProcessStartInfo(runtime, arguments)
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
                return (null, $"'{runtime} {arguments[0]}' did not answer within {Timeout.TotalSeconds:0} s", string.Empty);
            }

            return (process.ExitCode, output.Result, error.Result);
        }
        catch (Win32Exception)
        {
            return (null, $"no '{runtime}' command on PATH", string.Empty);
        }
    }
}
