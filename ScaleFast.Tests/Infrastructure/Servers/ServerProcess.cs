using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace ScaleFast.Tests.Infrastructure.Servers;

/// <summary>
/// A server binary run by a test on its own (no AppHost): in a throw-away directory, on a free
/// loopback port, as the servers' system user when the tests run as root, stopped with the test.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private ServerProcess(Process process, DirectoryInfo directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server's own directory (its data, its append-only files).</summary>
    public string DirectoryPath => _directory.FullName;

    public bool HasExited => _process.HasExited;

    /// <summary>A directory the servers' system users (postgres) can enter.</summary>
    public static DirectoryInfo CreateDirectory(string name)
    {
        var directory = Directory.CreateTempSubdirectory($"scalefast-{name}-");
        File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return directory;
    }

    /// <summary>Starts <paramref name="command"/> and waits until <paramref name="port"/> accepts connections.</summary>
    public static async Task<ServerProcess> StartAsync(DirectoryInfo directory, int port, string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory.FullName,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, directory, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"{command} did not accept connections on port {port}.");
            }
        }
    }

    /// <summary>Runs a one-shot command (initdb, chown) and fails with its output.</summary>
    public static async Task RunAsync(string command, params string[] arguments)
    {
        var result = await Command.RunAsync(command, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardOutput}{result.StandardError}");
        }
    }

    /// <summary>Runs <paramref name="command"/> as <paramref name="user"/> when the tests run as root (servers such as postgres refuse root).</summary>
    public static (string Command, string[] Arguments) AsUser(string user, string command, params string[] arguments) =>
        Environment.IsPrivilegedProcess ? ("setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", command, .. arguments]) : (command, arguments);

    /// <summary>Sends <paramref name="signal"/> (<c>-STOP</c>: the server hangs with its connections open; <c>-CONT</c>: it goes on).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} failed ({kill.ExitCode}).");
        }
    }

    /// <summary>The server is gone: its port refuses connections.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _process.InterruptAsync(TimeSpan.FromSeconds(20));
        _process.Dispose();
        _directory.DeleteQuietly();
    }
}
