using System.Security.Cryptography;
using System.Text;
using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// Where local servers keep their data. Like a container volume it outlives the AppHost, is named
/// after the application and its AppHost, and sits outside the source tree so that a server
/// running as its own system user (Postgres as root) can reach it.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class LocalDataDirectory
{
    public static string Resolve(string? configured, string appHostDirectory, string applicationName)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        return Path.Combine(DefaultParent(applicationName), $"{applicationName}-{Hash(appHostDirectory)}");
    }

    /// <summary>Makes the data root, deleting what was there first when asked for a clean start.</summary>
    /// <param name="root">The data root.</param>
    /// <param name="cleanStart">Whether to delete what is there first.</param>
    /// <param name="serversSwitchUser">Whether servers run as their own system users, who must be able to enter the root.</param>
    /// <param name="applicationName">Names the default parent directory, for the message.</param>
    /// <exception cref="LocalServerSetupException">A system user could not reach the root.</exception>
    public static void Prepare(string root, bool cleanStart, bool serversSwitchUser, string applicationName)
    {
        if (serversSwitchUser && FirstClosedAncestor(root) is { } closed)
        {
            // Postgres would fail to start, and everything waiting on it would wait forever.
            throw new LocalServerSetupException(
                $"The servers' system users (postgres, rabbitmq) cannot reach the data directory {root}: " +
                $"{closed} does not let other users enter it. Choose a data directory under a directory " +
                $"they can enter (the default is under {DefaultParent(applicationName)}), or run: chmod o+x {closed}");
        }

        if (cleanStart && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        // Traversable by a server's system user, readable by nobody else.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
    }

    private static string DefaultParent(string applicationName) =>
        Environment.IsPrivilegedProcess
            ? Path.Combine("/var/lib", applicationName)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), applicationName);

    private static string? FirstClosedAncestor(string root)
    {
        for (var directory = Directory.GetParent(root); directory is not null; directory = directory.Parent)
        {
            if (directory.Exists && !directory.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private static string Hash(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..10];
}
