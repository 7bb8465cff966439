using ScaleFast.Hosting.Local;

namespace ScaleFast.Tests.Hosting.Local;

/// <summary>A project run as its built program: the native launcher when the build wrote one, the dotnet host otherwise.</summary>
[Trait("Tier", "Fast")]
public sealed class BuiltProgramTests : IDisposable
{
    private readonly DirectoryInfo _project = Directory.CreateTempSubdirectory("scalefast-built-program-");

    [Fact]
    public void The_native_launcher_beside_the_assembly_is_the_command()
    {
        var assembly = Output("Service.dll");
        var launcher = Output("Service");

        var program = DistributedApplication.CreateBuilder().AddBuiltProgram("service", ProjectFile, assembly).Resource;

        Assert.Equal(launcher, program.Command);
        Assert.Equal(_project.FullName, program.WorkingDirectory);
    }

    [Fact]
    public async Task Without_a_launcher_the_dotnet_host_runs_the_assembly()
    {
        var assembly = Output("Service.dll");

        var program = DistributedApplication.CreateBuilder().AddBuiltProgram("service", ProjectFile, assembly).Resource;

        Assert.Equal("dotnet", program.Command);
        var arguments = new List<object>();
        foreach (var callback in program.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(arguments, program));
        }

        Assert.Equal([assembly], arguments);
    }

    [Fact]
    public void A_program_not_built_is_refused_with_the_fix()
    {
        var missing = Path.Combine(_project.FullName, "bin", "Service.dll");

        var error = Assert.Throws<LocalServerSetupException>(() => DistributedApplication.CreateBuilder().AddBuiltProgram("service", ProjectFile, missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet build", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Delete(recursive: true);

    private string ProjectFile => Path.Combine(_project.FullName, "Service.csproj");

    private string Output(string file)
    {
        var path = Path.Combine(_project.CreateSubdirectory("bin").FullName, file);
        File.WriteAllBytes(path, []);
        return path;
    }
}
