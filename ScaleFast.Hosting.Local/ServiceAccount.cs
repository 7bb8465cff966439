using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// The operating-system user a local server runs as. Servers run as whoever runs the AppHost,
/// except where a server refuses root (PostgreSQL): then, as root, it runs as its package's
/// system user through <c>setpriv</c>, which execs the server in place so signals reach it directly.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class ServiceAccount
{
    private readonly string? _setpriv;

    private ServiceAccount(string? userName, string? setpriv)
    {
        UserName = userName;
        _setpriv = setpriv;
    }

    /// <summary>The user to switch to, or null to run as the current user.</summary>
    public string? UserName { get; }

    public static ServiceAccount Current { get; } = new(null, null);

    /// <summary>Whether a server that refuses root must switch user: the AppHost runs as root.</summary>
    public static bool MustSwitchUser => Environment.IsPrivilegedProcess;

    /// <summary>The account a server that refuses root runs as.</summary>
    public static ServiceAccount ForRootRefusingServer(string systemUser, LocalBinaries binaries)
    {
        if (!MustSwitchUser)
        {
            return Current;
        }

        if (!SystemUserExists(systemUser))
        {
            throw new LocalServerSetupException(
                $"the AppHost runs as root and the server must run as the system user '{systemUser}', which does not exist. " +
                "Install the server's Debian package (it creates the user) or run the AppHost as an ordinary user.");
        }

        return new ServiceAccount(systemUser, binaries[LocalBinary.Setpriv]);
    }

    /// <summary>The command and leading arguments that run <paramref name="program"/> as this account.</summary>
    public (string Command, IReadOnlyList<string> Arguments) Wrap(string program, IEnumerable<string> arguments) =>
        UserName is null
            ? (program, arguments.ToList())
            : (_setpriv!, [$"--reuid={UserName}", $"--regid={UserName}", "--init-groups", "--", program, .. arguments]);

    /// <summary>Gives this account the directory tree (no-op when running as the current user).</summary>
    public async Task TakeOwnershipAsync(string directory, CancellationToken cancellationToken)
    {
        if (UserName is not null)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{UserName}:{UserName}", directory], cancellationToken: cancellationToken);
        }
    }

    private static bool SystemUserExists(string userName) =>
        File.ReadLines("/etc/passwd").Any(line => line.StartsWith(userName + ":", StringComparison.Ordinal));
}
