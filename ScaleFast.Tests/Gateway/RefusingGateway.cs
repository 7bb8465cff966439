using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using ScaleFast.Hosting.Local;
using ScaleFast.Gateway.Extensions;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// The gateway's real services and pipeline in the test process, with one <c>/api</c> route to a
/// replica that refuses connections (a forwarded request is a 502) and the given settings.
/// </summary>
internal sealed class RefusingGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RefusingGateway(WebApplication app)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TestSettings.RequestTimeout };
    }

    public HttpClient Client { get; }

    public static async Task<RefusingGateway> StartAsync(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**rest}",
            ["ReverseProxy:Clusters:api:Destinations:d0:Address"] = $"http://127.0.0.1:{FreePorts.Next()}",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGatewayServices();
        var app = builder.Build();
        app.UseGatewayPipeline();
        app.MapGateway();
        await app.StartAsync();
        return new RefusingGateway(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
