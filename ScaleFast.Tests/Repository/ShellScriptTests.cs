using System.Diagnostics;

namespace ScaleFast.Tests.Repository;

/// <summary>Every shell script of the repository (run, test, CI, benches, tooling) passes shellcheck.</summary>
[Trait("Tier", "Fast")]
public sealed class ShellScriptTests
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, ".."));

    [Fact]
    public async Task Every_script_passes_shellcheck()
    {
        var scripts = Directory.EnumerateFiles(Root, "*.sh", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(Root, ".ci", "run"))
            .Select(path => Path.GetRelativePath(Root, path))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains(Path.Combine("bench", "lib", "apphost.sh"), scripts);

        // From the root, as a user runs them: -x follows what they source.
        using var shellcheck = Process.Start(new ProcessStartInfo("shellcheck", ["-x", .. scripts])
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = shellcheck.StandardOutput.ReadToEndAsync();
        var error = shellcheck.StandardError.ReadToEndAsync();
        await shellcheck.WaitForExitAsync();

        Assert.True(shellcheck.ExitCode == 0, $"shellcheck {string.Join(' ', scripts)}:\n{await output}{await error}");
    }
}
