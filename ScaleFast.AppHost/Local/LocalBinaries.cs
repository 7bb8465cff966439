using System.Runtime.Versioning;

namespace ScaleFast.AppHost.Local;

/// <summary>A program local mode runs, and the Debian package that installs it.</summary>
/// <param name="Program">The executable's file name.</param>
/// <param name="Package">The apt package that provides it.</param>
/// <param name="PreferredDirectories">Searched before <c>PATH</c>: where Debian puts the program off <c>PATH</c>.</param>
[UnsupportedOSPlatform("windows")]
internal sealed record LocalBinary(string Program, string Package, params string[] PreferredDirectories)
{
    public static readonly LocalBinary Initdb = new("initdb", "postgresql", PostgresBinDirectories());
    public static readonly LocalBinary Postgres = new("postgres", "postgresql", PostgresBinDirectories());
    public static readonly LocalBinary RedisServer = new("redis-server", "redis-server");

    // /usr/sbin/rabbitmq-server is Debian's wrapper that switches to the rabbitmq user and logs to
    // /var/log; the script behind it runs the broker in the foreground with our environment.
    public static readonly LocalBinary RabbitMQServer = new("rabbitmq-server", "rabbitmq-server", "/usr/lib/rabbitmq/bin");
    public static readonly LocalBinary Epmd = new("epmd", "erlang-base");
    public static readonly LocalBinary Setpriv = new("setpriv", "util-linux");
    public static readonly LocalBinary Prometheus = new("prometheus", "prometheus");

    private static string[] PostgresBinDirectories()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return [];
        }

        // Newest major version first: /usr/lib/postgresql/16/bin before /usr/lib/postgresql/15/bin.
        return Directory.GetDirectories(root)
            .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
            .OrderByDescending(d => d.version)
            .Select(d => Path.Combine(d.dir, "bin"))
            .ToArray();
    }
}

/// <summary>Finds the programs local mode needs, or says in one message what to install.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed class LocalBinaries
{
    private readonly Dictionary<LocalBinary, string> _paths;

    private LocalBinaries(Dictionary<LocalBinary, string> paths) => _paths = paths;

    public string this[LocalBinary binary] => _paths[binary];

    /// <summary>Resolves every program or throws a <see cref="ScaleFastSetupException"/> naming all that are missing.</summary>
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
            throw new ScaleFastSetupException(
                $"local mode needs {programs}, not found on PATH. " +
                $"Install with: sudo apt-get install -y {packages} " +
                "(or run ./run.sh, which installs what is missing), " +
                "or use containers with --ScaleFast:Infrastructure containers when a container runtime is available.");
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
