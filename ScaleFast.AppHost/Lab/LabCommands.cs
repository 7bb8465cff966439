using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Topology;

namespace ScaleFast.AppHost.Lab;

/// <summary>The lab: commands on the dashboard that drive traffic through the services and, in local mode, break them.</summary>
internal static class LabCommands
{
    /// <summary>
    /// <em>Send read load</em> and <em>Burst one client</em> on the gateway, <em>Place orders</em> on each
    /// API instance, and (local mode) <em>Kill, then restart</em> on every instance. The servers' own fault
    /// commands come with the local servers (<see cref="LabExtensions"/>).
    /// </summary>
    public static void AddLab(
        this ScaleFastServices services, ScaleFastModel model, ScaleFastInfrastructure servers,
        IResourceBuilder<IResourceWithEndpoints> gateway, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> apis)
    {
        var demoData = model.Settings.DemoData;
        gateway.WithReadLoadCommand(demoData).WithBurstCommand(model.Settings.RateLimiting, demoData);
        foreach (var api in apis)
        {
            api.WithPlaceOrdersCommand(servers.Mail.Resource, demoData);
        }

        if (servers.Mode == InfrastructureMode.Local && !OperatingSystem.IsWindows())
        {
            foreach (var instance in services.All.Where(service => service.Kind != ResourceNames.Gateway).Select(service => service.Service))
            {
                instance.WithInstanceFaults();
            }
        }
    }
}
