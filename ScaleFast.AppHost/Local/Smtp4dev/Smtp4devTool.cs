using System.Runtime.Versioning;
using System.Text.Json;

namespace ScaleFast.AppHost.Local.Smtp4dev;

/// <summary>
/// Finds smtp4dev as restored by <c>dotnet tool restore</c> from the repository's tool manifest,
/// to run its assembly with <c>dotnet</c> directly: <c>dotnet tool run</c> would start it as a child
/// process that outlives a stop.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class Smtp4devTool
{
    private const string PackageId = "rnwood.smtp4dev";
    private const string Assembly = "Rnwood.Smtp4dev.dll";

    /// <summary>The tool's assembly, or a <see cref="ScaleFastSetupException"/> saying how to restore it.</summary>
    public static string Require(string repositoryRoot)
    {
        var manifest = Path.Combine(repositoryRoot, ".config", "dotnet-tools.json");
        var version = File.Exists(manifest)
            ? JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("tools").GetProperty(PackageId).GetProperty("version").GetString()
            : throw new ScaleFastSetupException($"the tool manifest {manifest} is missing; it pins smtp4dev, the 'mail' server of local mode.");

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        // The tool package, or the runtime-specific package it points to.
        var assembly = Directory.Exists(packages)
            ? Directory.EnumerateDirectories(packages, $"{PackageId}*")
                .Select(package => Path.Combine(package, version!, "tools"))
                .Where(Directory.Exists)
                .SelectMany(tools => Directory.EnumerateFiles(tools, Assembly, SearchOption.AllDirectories))
                .FirstOrDefault()
            : null;

        return assembly ?? throw new ScaleFastSetupException(
            $"local mode runs smtp4dev {version} (the 'mail' server) from the repository's tool manifest, and it is not restored. " +
            $"Run: dotnet tool restore (in {repositoryRoot}; ./run.sh and ./test.sh do it).");
    }
}
