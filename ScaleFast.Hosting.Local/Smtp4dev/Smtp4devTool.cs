using System.Runtime.Versioning;
using System.Text.Json;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// Finds smtp4dev as restored by <c>dotnet tool restore</c> from a repository's tool manifest,
/// to run its assembly with <c>dotnet</c> directly: <c>dotnet tool run</c> would start it as a child
/// process that outlives a stop.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class Smtp4devTool
{
    private const string PackageId = "rnwood.smtp4dev";
    private const string Assembly = "Rnwood.Smtp4dev.dll";

    /// <summary>The tool's assembly, or a <see cref="LocalServerSetupException"/> saying how to restore it.</summary>
    public static string Require(string toolManifestDirectory)
    {
        var manifest = Path.Combine(toolManifestDirectory, ".config", "dotnet-tools.json");
        var version = File.Exists(manifest)
            ? JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("tools").GetProperty(PackageId).GetProperty("version").GetString()
            : throw new LocalServerSetupException($"the tool manifest {manifest} is missing; it pins smtp4dev, which local mode runs.");

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

        return assembly ?? throw new LocalServerSetupException(
            $"local mode runs smtp4dev {version} from the tool manifest {manifest}, and it is not restored. " +
            $"Run: dotnet tool restore (in {toolManifestDirectory}).");
    }
}
