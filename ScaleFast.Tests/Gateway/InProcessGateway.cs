using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using ScaleFast.Gateway.Extensions;

namespace ScaleFast.Tests.Gateway;

/// <summary>The gateway's real services and pipeline in the test process, on a free port (of loopback unless a test says otherwise).</summary>
internal static class InProcessGateway
{
    /// <summary>Starts a gateway with <paramref name="settings"/>; <paramref name="services"/> may replace its parts.</summary>
    public static async Task<WebApplication> StartAsync(
        IDictionary<string, string?> settings, Action<IServiceCollection>? services = null, string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://{address}:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGatewayServices();
        services?.Invoke(builder.Services);
        var gateway = builder.Build();
        gateway.UseGatewayPipeline();
        gateway.MapGateway();
        await gateway.StartAsync();
        return gateway;
    }
}
