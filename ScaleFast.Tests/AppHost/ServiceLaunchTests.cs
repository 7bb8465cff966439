using ScaleFast.AppHost.Topology;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

/// <summary>
/// In run mode the services start as the programs their build made, not through <c>dotnet run</c>
/// (<see cref="ServiceLaunch"/>), with what a project resource would give them; <c>dotnet run</c>
/// stays one knob away, and is chosen by itself when an IDE debugs the AppHost or dotnet watch runs it.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class ServiceLaunchTests
{
    [Theory]
    [InlineData("api-0", "ScaleFast.Api")]
    [InlineData("worker-1", "ScaleFast.Worker")]
    [InlineData("gateway", "ScaleFast.Gateway")]
    public async Task A_service_runs_as_its_built_program_from_its_project_folder(string name, string project)
    {
        var (resource, environment) = await ServiceAsync(name);

        var program = Assert.IsType<ExecutableResource>(resource);
        var projectFolder = Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", project));
        Assert.Equal(projectFolder, program.WorkingDirectory);
        // The native launcher its build wrote, under the project's own output folder.
        Assert.StartsWith(Path.Combine(projectFolder, "bin") + Path.DirectorySeparatorChar, program.Command, StringComparison.Ordinal);
        Assert.Equal(project, Path.GetFileName(program.Command));
        Assert.True(File.Exists(program.Command), program.Command);

        // What a project resource gives its process: Kestrel's URLs from both endpoints, and the
        // dashboard's telemetry.
        var urls = Assert.IsType<ReferenceExpression>(environment["ASPNETCORE_URLS"]).ValueExpression;
        Assert.Contains($"{{{name}.bindings.http.targetPort}}", urls, StringComparison.Ordinal);
        Assert.Contains($"{{{name}.bindings.management.targetPort}}", urls, StringComparison.Ordinal);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", environment.Keys);
        Assert.Contains("OTEL_SERVICE_NAME", environment.Keys);
        Assert.Equal("simple", environment["LOGGING__CONSOLE__FORMATTERNAME"]);
    }

    [Theory]
    [InlineData("--ScaleFast:ServiceLaunch=DotnetRun")]
    // An IDE that debugs the AppHost gives it its debug session's address: the IDE launches projects.
    [InlineData("--DEBUG_SESSION_PORT=localhost:51234")]
    // dotnet watch on the AppHost: Aspire runs each project under dotnet watch, which rebuilds it.
    [InlineData("--DOTNET_WATCH=1")]
    public async Task Dotnet_run_is_one_knob_away_and_the_choice_under_an_ide_or_dotnet_watch(string argument)
    {
        var (resource, environment) = await ServiceAsync("api-0", argument);

        var project = Assert.IsType<ProjectResource>(resource);
        Assert.Equal(Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, "..", "ScaleFast.Api", "ScaleFast.Api.csproj")),
            project.GetProjectMetadata().ProjectPath);
        Assert.Contains("ASPNETCORE_URLS", environment.Keys);
    }

    private static async Task<(IResource Resource, Dictionary<string, object> Environment)> ServiceAsync(string name, params string[] arguments)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleFast_AppHost>(["--ScaleFast:Infrastructure=containers", .. arguments]);
        await using var app = await builder.BuildAsync();
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);
        return (resource, await ModelEnvironment.OfAsync(app, resource));
    }
}
