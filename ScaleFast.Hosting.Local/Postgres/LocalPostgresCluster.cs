using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// The data directory of a local PostgreSQL server: created by <c>initdb</c> the first time, and
/// given the current generated password every time, so a regenerated password never locks the
/// AppHost out of data kept from an earlier run.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class LocalPostgresCluster(LocalBinaries binaries, ServiceAccount account, string dataDirectory)
{
    public async Task PrepareAsync(string password, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await account.TakeOwnershipAsync(dataDirectory, cancellationToken);

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(password, cancellationToken);
        }
        else
        {
            await SetPasswordAsync(password, cancellationToken);
        }
    }

    private async Task InitializeAsync(string password, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(dataDirectory, "..", $".{Path.GetFileName(dataDirectory)}-initdb-password");
        await LocalServers.WriteSecretFileAsync(passwordFile, password, cancellationToken);
        try
        {
            await account.TakeOwnershipAsync(passwordFile, cancellationToken);
            var (command, arguments) = account.Wrap(binaries[LocalBinary.Initdb],
            [
                "-D", dataDirectory,
                "-U", LocalPostgresServerResource.UserName,
                $"--pwfile={passwordFile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
            ]);
            await ProcessRunner.RunAsync(command, arguments, workingDirectory: dataDirectory, cancellationToken: cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task SetPasswordAsync(string password, CancellationToken cancellationToken)
    {
        // Single-user mode needs no authentication and no port; the password goes in on stdin, not argv.
        var (command, arguments) = account.Wrap(binaries[LocalBinary.Postgres],
            ["--single", "-D", dataDirectory, "-c", "unix_socket_directories=", "postgres"]);
        var sql = $"ALTER ROLE {LocalPostgresServerResource.UserName} WITH PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}';\n";
        await ProcessRunner.RunAsync(command, arguments, standardInput: sql, workingDirectory: dataDirectory, cancellationToken: cancellationToken);
    }
}
