using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// Adds .NET projects of the app run as the programs their build made, rather than through
/// <c>dotnet run</c> as Aspire starts a project resource. <c>dotnet run</c> evaluates the project
/// with MSBuild before it starts the program: seconds of wall time and of CPU per service, paid on
/// every start, on the path to "all healthy". The AppHost's build has built every project it
/// references, so the program is there to run.
/// </summary>
public static class BuiltProgramBuilderExtensions
{
    private const string AspNetCoreUrls = "ASPNETCORE_URLS";
    private const string DotnetRoot = "DOTNET_ROOT";

    /// <summary>
    /// Adds the program built from a project as an executable resource that gets what a project
    /// resource gives its process in run mode: the OTLP exporter's settings (the dashboard's
    /// telemetry), the console log format, and <c>ASPNETCORE_URLS</c> from the resource's HTTP
    /// endpoints; its working directory is the project's folder, as under <c>dotnet run</c>, so its
    /// content root and <c>appsettings.json</c> are the same. No launch profile is applied.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="projectPath">The project file.</param>
    /// <param name="assemblyPath">The program's assembly as the build wrote it (the project's <c>TargetPath</c>).</param>
    /// <returns>The executable's resource builder; add endpoints to it as to a project.</returns>
    /// <exception cref="LocalServerSetupException">The program is not built.</exception>
    public static IResourceBuilder<ExecutableResource> AddBuiltProgram(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string projectPath, string assemblyPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrEmpty(projectPath);
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);

        if (!File.Exists(assemblyPath))
        {
            throw new LocalServerSetupException(
                $"The program of '{name}' is not built: {assemblyPath} does not exist. Build the AppHost (dotnet build), which builds every service it runs.");
        }

        // The native launcher the build writes beside the assembly, as dotnet run starts it: the
        // process is named after the service. Without one (UseAppHost=false), the dotnet host.
        var launcher = Path.ChangeExtension(assemblyPath, OperatingSystem.IsWindows() ? ".exe" : null);
        var program = File.Exists(launcher)
            ? builder.AddExecutable(name, launcher, Path.GetDirectoryName(projectPath)!)
            : builder.AddExecutable(name, "dotnet", Path.GetDirectoryName(projectPath)!, assemblyPath);

        var development = builder.ExecutionContext.IsRunMode && builder.Environment.IsDevelopment();
        return program
            .WithOtlpExporter()
            .WithEnvironment(context =>
            {
                var variables = context.EnvironmentVariables;
                // As for a project resource: OTLP export retried from memory, the console's simple
                // log format in color, and URLs' query strings kept in development's telemetry.
                variables["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
                variables["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true";
                variables["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
                if (development)
                {
                    variables["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "true";
                    variables["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "true";
                }

                // The native launcher finds the runtime the AppHost runs on, wherever it is installed.
                if (Environment.GetEnvironmentVariable(DotnetRoot) is null)
                {
                    variables[DotnetRoot] = RuntimeRoot();
                }

                if (!variables.ContainsKey(AspNetCoreUrls) && Urls(context.Resource) is { } urls)
                {
                    variables[AspNetCoreUrls] = urls;
                }
            });
    }

    /// <summary>Every HTTP endpoint of the resource as Kestrel should bind it: <c>http://host:port;…</c>.</summary>
    private static ReferenceExpression? Urls(IResource resource)
    {
        if (resource is not IResourceWithEndpoints withEndpoints)
        {
            return null;
        }

        var urls = new ReferenceExpressionBuilder();
        foreach (var endpoint in withEndpoints.GetEndpoints().Where(e => e.EndpointAnnotation.UriScheme is "http" or "https"))
        {
            if (!urls.IsEmpty)
            {
                urls.AppendLiteral(";");
            }

            urls.Append($"{endpoint.Property(EndpointProperty.Scheme)}://{endpoint.EndpointAnnotation.TargetHost}:{endpoint.Property(EndpointProperty.TargetPort)}");
        }

        return urls.IsEmpty ? null : urls.Build();
    }

    /// <summary>The .NET installation this process runs on (<c>…/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>, three levels up).</summary>
    private static string RuntimeRoot() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}
