using System.Diagnostics;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>The machine's processes, read from /proc: enough to find the servers an app started.</summary>
internal static class ProcessTable
{
    public sealed record Entry(int Pid, string Name, string WorkingDirectory, string CommandLine);

    /// <summary>Processes whose working directory or command line lies under <paramref name="directory"/>.</summary>
    public static IReadOnlyList<Entry> Under(string directory) =>
        All().Where(p => p.WorkingDirectory.StartsWith(directory, StringComparison.Ordinal) || p.CommandLine.Contains(directory, StringComparison.Ordinal))
            .ToList();

    /// <summary>
    /// The process of the ScaleFast service <paramref name="instance"/> (<c>ScaleFast__Instance</c> in
    /// its environment): the service itself, not the <c>dotnet run</c> that may have started it with
    /// the same environment.
    /// </summary>
    public static int? FindService(string instance)
    {
        var marker = $"\0ScaleFast__Instance={instance}\0";
        foreach (var entry in All().Where(e => e.Name.StartsWith("ScaleFast.", StringComparison.Ordinal)))
        {
            try
            {
                if (("\0" + File.ReadAllText($"/proc/{entry.Pid}/environ")).Contains(marker, StringComparison.Ordinal))
                {
                    return entry.Pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return null;
    }

    /// <summary>
    /// Every process an AppHost started, itself included: its descendants, and those of the DCP
    /// orchestrator it launched, which detaches from it (its parent becomes init) but names the
    /// AppHost's process in its <c>--monitor</c> argument.
    /// </summary>
    public static IReadOnlySet<int> StartedBy(int appHostPid)
    {
        var entries = All().ToList();
        var parents = entries.ToDictionary(e => e.Pid, e => ParentOf(e.Pid));
        var roots = entries
            .Where(e => e.Pid == appHostPid || e.CommandLine.Contains($" --monitor {appHostPid} ", StringComparison.Ordinal))
            .Select(e => e.Pid)
            .ToHashSet();

        bool Descends(int pid)
        {
            for (var current = pid; current > 1; current = parents.GetValueOrDefault(current))
            {
                if (roots.Contains(current))
                {
                    return true;
                }
            }

            return false;
        }

        return entries.Select(e => e.Pid).Where(Descends).ToHashSet();
    }

    /// <summary>The value of <paramref name="variable"/> in the environment <paramref name="pid"/> started with, or null.</summary>
    public static string? EnvironmentVariable(int pid, string variable) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0')
            .FirstOrDefault(entry => entry.StartsWith(variable + "=", StringComparison.Ordinal))?[(variable.Length + 1)..];

    /// <summary>Kills <paramref name="pid"/> at once (SIGKILL); one already gone is not an error.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Gone meanwhile.
        }
    }

    public static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/stat") && !IsZombie(pid);

    private static IEnumerable<Entry> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            Entry? entry;
            try
            {
                entry = new Entry(
                    pid,
                    File.ReadAllText($"{dir}/comm").Trim(),
                    new FileInfo($"{dir}/cwd").LinkTarget ?? string.Empty,
                    File.ReadAllText($"{dir}/cmdline").Replace('\0', ' '));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                entry = null; // Gone meanwhile, or not ours to read.
            }

            if (entry is not null)
            {
                yield return entry;
            }
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
