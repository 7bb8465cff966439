using System.Reflection;
using ScaleFast.Hosting.Local;

namespace ScaleFast.AppHost.Topology;

/// <summary>How the AppHost starts the services (API instances, workers, gateway) in run mode.</summary>
public enum ServiceLaunch
{
    /// <summary>
    /// <see cref="Program"/>, unless an IDE runs the AppHost to debug it or <c>dotnet watch</c> runs it:
    /// then <see cref="DotnetRun"/>, for the IDE to attach and for the services to be rebuilt as they change.
    /// </summary>
    Auto,

    /// <summary>
    /// The programs the build made, started directly: no <c>dotnet run</c> evaluating each project
    /// before its service starts. The services are executable resources on the dashboard.
    /// </summary>
    Program,

    /// <summary>Aspire's project resources, started with <c>dotnet run</c>: IDE debugging and the dashboard's project view.</summary>
    DotnetRun,
}

/// <summary>
/// Adds a service of the app as the resource type the chosen <see cref="ServiceLaunch"/> makes. Publishing
/// (manifest, Kubernetes) always takes the projects, whose build makes the services' images.
/// </summary>
/// <typeparam name="T">The resource type.</typeparam>
internal abstract class ServiceLauncher<T> where T : class, IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
{
    public abstract IResourceBuilder<T> Add<TProject>(IDistributedApplicationBuilder builder, string name) where TProject : IProjectMetadata, new();
}

/// <summary>The services as project resources (<c>dotnet run</c> in run mode; what publishing reads).</summary>
internal sealed class ProjectLauncher : ServiceLauncher<ProjectResource>
{
    public override IResourceBuilder<ProjectResource> Add<TProject>(IDistributedApplicationBuilder builder, string name) =>
        builder.AddProject<TProject>(name, launchProfileName: null);
}

/// <summary>The services as the programs their build made (<see cref="BuiltProgramBuilderExtensions"/>).</summary>
internal sealed class ProgramLauncher : ServiceLauncher<ExecutableResource>
{
    /// <summary>
    /// Where each service's build put its assembly, by project name, as the AppHost's build found it
    /// (assembly metadata <c>ScaleFast.ServiceAssembly.&lt;project&gt;</c>, ScaleFast.AppHost.csproj).
    /// </summary>
    private static readonly Dictionary<string, string> Assemblies = typeof(ProgramLauncher).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(metadata => metadata.Key.StartsWith(AssemblyMetadataPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(metadata.Value))
        .ToDictionary(metadata => metadata.Key[AssemblyMetadataPrefix.Length..], metadata => metadata.Value!, StringComparer.Ordinal);

    private const string AssemblyMetadataPrefix = "ScaleFast.ServiceAssembly.";

    public override IResourceBuilder<ExecutableResource> Add<TProject>(IDistributedApplicationBuilder builder, string name)
    {
        var projectPath = new TProject().ProjectPath;
        var project = Path.GetFileNameWithoutExtension(projectPath);
        if (!Assemblies.TryGetValue(project, out var assemblyPath))
        {
            throw new ScaleFastSetupException(
                $"This AppHost's build does not say where {project} was built. Rebuild it (dotnet build ScaleFast.AppHost), " +
                $"or start the services with dotnet run: --{ScaleFastOptions.SectionName}:{nameof(ScaleFastOptions.ServiceLaunch)} {nameof(ServiceLaunch.DotnetRun)}.");
        }

        try
        {
            return builder.AddBuiltProgram(name, projectPath, assemblyPath);
        }
        catch (LocalServerSetupException e)
        {
            throw new ScaleFastSetupException(e.Message, e);
        }
    }

    /// <summary>Whether the services start as their built programs, given the knob and how the AppHost runs.</summary>
    public static bool IsChosen(IDistributedApplicationBuilder builder, ScaleFastOptions options) =>
        builder.ExecutionContext.IsRunMode && options.ServiceLaunch switch
        {
            ServiceLaunch.Program => true,
            ServiceLaunch.DotnetRun => false,
            // An IDE that debugs the AppHost gives it the address of its debug session; dotnet watch
            // sets DOTNET_WATCH, and Aspire then runs each project under dotnet watch.
            _ => string.IsNullOrEmpty(builder.Configuration["DEBUG_SESSION_PORT"])
                && !string.Equals(builder.Configuration["DOTNET_WATCH"], "1", StringComparison.Ordinal)
                && !string.Equals(builder.Configuration["DOTNET_WATCH"], "true", StringComparison.OrdinalIgnoreCase),
        };
}
