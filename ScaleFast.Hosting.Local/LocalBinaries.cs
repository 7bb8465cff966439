using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>Finds the programs the local servers need, or says in one message what to install.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed class LocalBinaries
{
    private readonly Dictionary<LocalBinary, string> _paths;

    private LocalBinaries(Dictionary<LocalBinary, string> paths) => _paths = paths;

    public string this[LocalBinary binary] => _paths[binary];

    /// <summary>Resolves every program or throws a <see cref="LocalServerSetupException"/> naming all that are missing.</summary>
    public static LocalBinaries Require(IEnumerable<LocalBinary> needed, string? searchPath)
    {
        var paths = new Dictionary<LocalBinary, string>();
        var missing = new List<LocalBinary>();
        foreach (var binary in needed.Distinct())
        {
            if (Find(binary, searchPath) is { } path)
            {
                paths[binary] = path;
            }
            else
            {
                missing.Add(binary);
            }
        }

        if (missing.Count > 0)
        {
            var programs = string.Join(", ", missing.Select(b => $"'{b.Program}' (package {b.Package})"));
            var packages = string.Join(' ', missing.Select(b => b.Package).Distinct());
            throw new LocalServerSetupException(
                $"local mode needs {programs}, not found on PATH. Install with: sudo apt-get install -y {packages}");
        }

        return new LocalBinaries(paths);
    }

    public static string? Find(LocalBinary binary, string? searchPath)
    {
        var directories = binary.PreferredDirectories
            .Concat((searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));

        return directories
            .Select(dir => Path.Combine(dir, binary.Program))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) &&
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
