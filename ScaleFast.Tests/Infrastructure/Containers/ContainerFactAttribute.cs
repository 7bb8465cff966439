using System.Diagnostics;
using System.Globalization;

namespace ScaleFast.Tests.Infrastructure.Containers;

/// <summary>
/// A test of the container tier: skipped, with the reason, where Aspire's orchestrator cannot drive
/// the docker CLI (it needs version 25 or later; Debian 12's docker.io is 20.10).
/// </summary>
public sealed class ContainerFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(Check);

    public ContainerFactAttribute()
    {
        if (Unusable is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Why the container tier cannot run here, or null: its fixtures then start nothing.</summary>
    public static string? Unusable => Reason.Value;

    private static string? Check()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", ["version", "--format", "{{.Client.Version}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var version = docker.StandardOutput.ReadToEnd().Trim();
            docker.WaitForExit();
            return int.TryParse(version.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major < 25
                ? $"The docker CLI is {version}; Aspire's orchestrator needs 25 or later (Docker's own docker-ce packages have it)."
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "No docker CLI: ./test.sh installs Debian's docker.io.";
        }
    }
}
