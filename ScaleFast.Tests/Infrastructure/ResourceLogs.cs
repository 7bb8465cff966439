using System.Text;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// The console output of every resource of a started app, as the dashboard's console logs show
/// it, kept from the start (bounded per resource), so that a failing test can say what the
/// services logged.
/// </summary>
public sealed class ResourceLogs : IAsyncDisposable
{
    private const int LinesKept = 20_000;

    private readonly Dictionary<string, List<string>> _lines = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _watchers = [];

    private ResourceLogs()
    {
    }

    public static ResourceLogs Watch(DistributedApplication app, IEnumerable<string> resources)
    {
        var logs = new ResourceLogs();
        var service = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in resources)
        {
            var lines = logs._lines[resource] = [];
            logs._watchers.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in service.WatchAsync(resource).WithCancellation(logs._stop.Token))
                    {
                        lock (lines)
                        {
                            lines.AddRange(batch.Select(line => line.Content));
                            if (lines.Count > LinesKept)
                            {
                                lines.RemoveRange(0, lines.Count - LinesKept);
                            }
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // Disposed.
                }
            }));
        }

        return logs;
    }

    /// <summary>The warnings and errors <paramref name="resources"/> logged (each with the line after it: the message), for a test's failure message.</summary>
    public string Problems(params string[] resources)
    {
        var text = new StringBuilder();
        foreach (var resource in resources)
        {
            List<string> lines;
            lock (_lines[resource])
            {
                lines = [.. _lines[resource]];
            }

            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].Contains("warn:", StringComparison.Ordinal) || lines[i].Contains("fail:", StringComparison.Ordinal) || lines[i].Contains("crit:", StringComparison.Ordinal))
                {
                    text.AppendLine($"{resource}: {lines[i]}");
                    if (i + 1 < lines.Count)
                    {
                        text.AppendLine($"{resource}:   {lines[i + 1].Trim()}");
                    }
                }
            }
        }

        return text.Length == 0 ? "(no warnings or errors logged)" : text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watchers);
        _stop.Dispose();
    }
}
