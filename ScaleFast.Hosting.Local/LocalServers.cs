using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// What every local server resource needs: the installed programs, found once for all servers, and
/// the data directory under which each server has its own. Made by
/// <see cref="LocalServersBuilderExtensions.PrepareLocalServers"/>.
/// </summary>
public sealed class LocalServers
{
    internal LocalServers(LocalBinaries binaries, string dataDirectory)
    {
        Binaries = binaries;
        DataDirectory = dataDirectory;
    }

    /// <summary>The directory under which each server keeps its data, in a directory named after its resource.</summary>
    public string DataDirectory { get; }

    internal LocalBinaries Binaries { get; }

    internal string DataDirectoryOf(string resourceName) => Path.Combine(DataDirectory, resourceName);

    /// <summary>Writes a file only its owner may read: configuration that holds a password.</summary>
    [UnsupportedOSPlatform("windows")]
    internal static async Task WriteSecretFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, content, cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
