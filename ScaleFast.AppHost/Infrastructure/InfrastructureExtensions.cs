using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScaleFast.AppHost.Infrastructure;

/// <summary>Chooses how the servers run and adds them.</summary>
internal static partial class InfrastructureExtensions
{
    public static ScaleFastInfrastructure AddScaleFastInfrastructure(this IDistributedApplicationBuilder builder, ScaleFastOptions options)
    {
        var (mode, reason) = Choose(builder, options.Infrastructure);

        var infrastructure = mode == InfrastructureMode.Containers
            ? builder.AddContainerInfrastructure(options)
            : builder.AddLocalInfrastructure(options);
        var missingTunnelBuilder = mode == InfrastructureMode.Containers && builder.ExecutionContext.IsRunMode
            ? ContainerRuntimeProbe.MissingTunnelBuilder(builder.Configuration)
            : null;

        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ScaleFast.AppHost");
            LogMode(logger, mode, reason);
            if (missingTunnelBuilder is not null)
            {
                LogMissingTunnelBuilder(logger, missingTunnelBuilder);
            }
            if (infrastructure.DataDirectory is { } directory)
            {
                LogDataDirectory(logger, directory);
            }

            return Task.CompletedTask;
        });

        return infrastructure;
    }

    private static (InfrastructureMode Mode, string Reason) Choose(IDistributedApplicationBuilder builder, InfrastructureMode configured)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return (InfrastructureMode.Containers, "publishing always uses the container resources");
        }

        if (configured != InfrastructureMode.Auto)
        {
            return (configured, "set by ScaleFast:Infrastructure");
        }

        var (available, why) = ContainerRuntimeProbe.Probe(builder.Configuration);
        return available
            ? (InfrastructureMode.Containers, $"auto: {why}")
            : (InfrastructureMode.Local, $"auto: {why}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Infrastructure mode: {Mode} ({Reason}).")]
    private static partial void LogMode(ILogger logger, InfrastructureMode mode, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container mode: {Problem}.")]
    private static partial void LogMissingTunnelBuilder(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local servers keep their data in {Directory} (start with --ScaleFast:CleanStart true to wipe it).")]
    private static partial void LogDataDirectory(ILogger logger, string directory);
}
