using System.Diagnostics;

namespace ScaleFast.Tests.Infrastructure.Containers;

/// <summary>
/// A Docker engine for the container tier, with the images <c>eng/container-images.sh</c> builds: the
/// engine that answers, or <c>dockerd</c> started for the tier (as root) and stopped after it, so that
/// <c>auto</c> mode does not change under later runs.
/// </summary>
internal sealed class DockerEngine : IAsyncDisposable
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, ".."));
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process? _daemon;
    private readonly string? _pathBefore;

    private DockerEngine(Process? daemon, string? pathBefore)
    {
        _daemon = daemon;
        _pathBefore = pathBefore;
    }

    public static async Task<DockerEngine> StartAsync()
    {
        var daemon = await AnswersAsync() ? null : await StartDaemonAsync();
        var images = await Command.RunAsync(Path.Combine(Root, "eng", "container-images.sh"), []);
        if (images.ExitCode != 0)
        {
            await StopAsync(daemon);
            throw new InvalidOperationException($"eng/container-images.sh failed:\n{images.StandardOutput}{images.StandardError}");
        }

        return new DockerEngine(daemon, await UseBuildKitCliAsync());
    }

    /// <summary>Every container the engine runs that is attached to <paramref name="network"/>.</summary>
    public static async Task<IReadOnlyList<string>> ContainersOnAsync(string network)
    {
        var result = await DockerAsync("network", "inspect", "--format", "{{range $id, $c := .Containers}}{{$id}} {{end}}", network);
        return result.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary><c>docker inspect --format <paramref name="format"/></c> of a container or image.</summary>
    public static Task<string> InspectAsync(string id, string format) => DockerAsync("inspect", "--format", format, id);

    public async ValueTask DisposeAsync()
    {
        if (_pathBefore is not null)
        {
            Environment.SetEnvironmentVariable("PATH", _pathBefore);
        }

        await StopAsync(_daemon);
    }

    /// <summary>Runs the docker CLI and returns its output; a failure throws with docker's own message.</summary>
    public static async Task<string> DockerAsync(params string[] arguments)
    {
        var result = await Command.RunAsync("docker", arguments);
        return result.ExitCode == 0
            ? result.StandardOutput.Trim()
            : throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed: {result.StandardError}");
    }

    private static async Task<bool> AnswersAsync()
    {
        try
        {
            return (await Command.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"])).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("The container tier needs the docker CLI (./test.sh installs Debian's docker.io).");
        }
    }

    private static async Task<Process> StartDaemonAsync()
    {
        if (Environment.UserName != "root" || !Which("dockerd").Any())
        {
            throw new InvalidOperationException("The container tier needs a Docker engine: start one, or run the tests as root with docker.io installed (./test.sh does both).");
        }

        var log = Path.Combine(Path.GetTempPath(), "scalefast-dockerd.log");
        var daemon = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"exec dockerd >'{log}' 2>&1"]))!;
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AnswersAsync())
        {
            if (daemon.HasExited || DateTime.UtcNow > deadline)
            {
                await StopAsync(daemon);
                throw new InvalidOperationException($"dockerd did not start within {StartTimeout.TotalSeconds:0} s (its log: {log}).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return daemon;
    }

    private static async Task StopAsync(Process? daemon)
    {
        if (daemon is null || daemon.HasExited)
        {
            return;
        }

        // SIGTERM: dockerd stops its containers and exits.
        using (Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
        }

        using var timeout = new CancellationTokenSource(StartTimeout);
        await daemon.WaitForExitAsync(timeout.Token);
        daemon.Dispose();
    }

    /// <summary>
    /// Where the docker CLI has no buildx, puts <c>docker-buildkit.sh</c> first on PATH as <c>docker</c>
    /// for DCP (which the test process starts): it builds DCP's tunnel image with the engine's own
    /// CLI. Returns the PATH to restore, or null when the CLI builds by itself.
    /// </summary>
    private static async Task<string?> UseBuildKitCliAsync()
    {
        if ((await Command.RunAsync("docker", ["buildx", "version"])).ExitCode == 0)
        {
            return null;
        }

        // The engine's own CLI is the one of its version (Debian's docker.io puts it in /usr/bin).
        var clis = Which("docker").Distinct().ToList();
        var engine = (await Command.RunAsync(clis[0], ["version", "--format", "{{.Server.Version}}"])).StandardOutput.Trim();
        string? engineCli = null;
        foreach (var candidate in clis.Skip(1))
        {
            if ((await Command.RunAsync(candidate, ["version", "--format", "{{.Client.Version}}"])).StandardOutput.Trim() == engine)
            {
                engineCli = candidate;
                break;
            }
        }

        if (engineCli is null)
        {
            throw new InvalidOperationException(
                $"The docker CLI {clis[0]} has no buildx, which DCP needs to build its tunnel image, and no CLI of the engine's version ({engine}) is on PATH: install docker-buildx.");
        }

        var shim = Directory.CreateTempSubdirectory("scalefast-docker-").FullName;
        File.CreateSymbolicLink(Path.Combine(shim, "docker"), Path.Combine(Root, "ScaleFast.Tests", "Infrastructure", "Containers", "docker-buildkit.sh"));
        Environment.SetEnvironmentVariable("SCALEFAST_DOCKER_CLI", clis[0]);
        Environment.SetEnvironmentVariable("SCALEFAST_DOCKER_BUILD_CLI", engineCli);
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", $"{shim}:{path}");
        return path;
    }

    /// <summary>Every <paramref name="program"/> on PATH, in PATH's order.</summary>
    private static IEnumerable<string> Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.GetFullPath(Path.Combine(directory, program)))
            .Where(File.Exists);
}
