namespace ScaleFast.Tests.Kubernetes;

/// <summary>
/// The pinned kubectl (with kustomize) that <c>eng/prerequisites.sh test</c> installs into
/// <c>eng/tools/bin</c>: never whatever kubectl a machine happens to have on PATH.
/// </summary>
internal static class KubernetesTools
{
    private static readonly string Bin = Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", "eng", "tools", "bin"));

    public static string Kubectl => Require("kubectl");

    private static string Require(string tool)
    {
        var path = Path.Combine(Bin, tool);
        Assert.True(File.Exists(path), $"{path} is missing: ./test.sh (eng/prerequisites.sh test) installs the pinned {tool}.");
        return path;
    }
}
