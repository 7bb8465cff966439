using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ScaleFast.AppHost.Lab;

/// <summary>A local resource's process and its descendants, and the signals the fault commands send them.</summary>
[UnsupportedOSPlatform("windows")]
internal static partial class ProcessTree
{
    private const int SigInt = 2;
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Freezes <paramref name="root"/> and every process under it (a server's workers too), as a hung server.</summary>
    public static void Stop(int root) => Signal(root, SigStop);

    /// <summary>Lets them run again.</summary>
    public static void Continue(int root) => Signal(root, SigCont);

    /// <summary>Kills them at once, as a crash: nothing is flushed or closed.</summary>
    public static void Kill(int root) => Signal(root, SigKill);

    /// <summary>
    /// Asks <paramref name="root"/> alone to stop (SIGINT: PostgreSQL's fast shutdown, which ends
    /// every session, unlike SIGTERM's smart one that waits for pooled connections to close), and
    /// waits until it has exited; false if it still runs after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<bool> InterruptAsync(int root, TimeSpan timeout)
    {
        _ = SendSignal(root, SigInt);
        var deadline = DateTime.UtcNow + timeout;
        while (IsRunning(root))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')')..][2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Signal(int root, int signal)
    {
        // Parents before children: a stopped parent cannot start new children meanwhile.
        foreach (var pid in WithDescendants(root))
        {
            _ = SendSignal(pid, signal);
        }
    }

    private static List<int> WithDescendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
        }

        var order = new List<int> { root };
        for (var i = 0; i < order.Count; i++)
        {
            order.AddRange(children.GetValueOrDefault(order[i]) ?? []);
        }

        return order;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid …": comm may hold spaces and parentheses.
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // Gone meanwhile.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
