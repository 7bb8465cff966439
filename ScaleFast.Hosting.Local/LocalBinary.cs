using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>A program a local server runs, and the Debian package that installs it.</summary>
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

    /// <summary>The programs <paramref name="servers"/> run; <c>setpriv</c> too when a server must switch user.</summary>
    public static IEnumerable<LocalBinary> For(LocalServerKinds servers, bool switchUser)
    {
        if (servers.HasFlag(LocalServerKinds.Postgres))
        {
            yield return Initdb;
            yield return Postgres;
        }

        if (servers.HasFlag(LocalServerKinds.Redis))
        {
            yield return RedisServer;
        }

        if (servers.HasFlag(LocalServerKinds.RabbitMQ))
        {
            yield return RabbitMQServer;
            yield return Epmd;
        }

        if (servers.HasFlag(LocalServerKinds.Prometheus))
        {
            yield return Prometheus;
        }

        // PostgreSQL refuses to run as root: it is the one server that switches user.
        if (switchUser && servers.HasFlag(LocalServerKinds.Postgres))
        {
            yield return Setpriv;
        }
    }

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
