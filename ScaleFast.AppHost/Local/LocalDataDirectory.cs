using System.Security.Cryptography;
using System.Text;
using System.Runtime.Versioning;

namespace ScaleFast.AppHost.Local;

/// <summary>
/// Where local servers keep their data. Like a container volume it outlives the AppHost, is named
/// after the AppHost, and sits outside the source tree so that a server running as its own system
/// user (Postgres as root) can reach it.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class LocalDataDirectory
{
    public static string Resolve(string? configured, string appHostDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var name = $"scalefast-{Hash(appHostDirectory)}";
        return Environment.IsPrivilegedProcess
            ? Path.Combine("/var/lib/scalefast", name)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "scalefast", name);
    }

    /// <summary>Makes the data root, deleting what was there first when asked for a clean start.</summary>
    public static void Prepare(string root, bool cleanStart)
    {
        if (cleanStart && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        // Traversable by a server's system user, readable by nobody else.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
    }

    private static string Hash(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..10];
}
