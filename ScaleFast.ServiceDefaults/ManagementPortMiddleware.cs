using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps <c>/health/*</c> and <c>/metrics</c> on the management port the AppHost gives
/// (<c>ScaleFast:ManagementPort</c>) and everything else off it: the public port of the gateway
/// never shows a service's metrics or health, and Prometheus never scrapes business traffic's port.
/// </summary>
internal sealed class ManagementPortMiddleware(RequestDelegate next, int managementPort)
{
    public Task InvokeAsync(HttpContext context)
    {
        var onManagementPort = context.Connection.LocalPort == managementPort;
        var isManagementPath = context.Request.Path.StartsWithSegments(ScaleFast.Contracts.ServiceEndpoints.HealthPathPrefix) ||
                               context.Request.Path.StartsWithSegments(ScaleFast.Contracts.ServiceEndpoints.MetricsPath);

        if (onManagementPort != isManagementPath)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
