using System.Runtime.Versioning;

namespace ScaleFast.AppHost.Local;

/// <summary>What every local server resource needs: the resolved binaries and the data root.</summary>
/// <param name="Binaries">The programs, resolved once for all servers.</param>
/// <param name="DataRoot">The directory under which each server has its own data directory.</param>
internal sealed record LocalServers(LocalBinaries Binaries, string DataRoot)
{
    public string DataDirectoryOf(string resourceName) => Path.Combine(DataRoot, resourceName);

    /// <summary>Writes a file only its owner may read: configuration that holds a password.</summary>
    [UnsupportedOSPlatform("windows")]
    public static async Task WriteSecretFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, content, cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
