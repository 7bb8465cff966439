using Microsoft.AspNetCore.Builder;
using ScaleFast.Hosting.Local;
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

    /// <summary>The gateway's services (its meter factory, to tell its metrics from other gateways' in the process).</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<RefusingGateway> StartAsync(IDictionary<string, string?> settings)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**rest}",
            ["ReverseProxy:Clusters:api:Destinations:d0:Address"] = $"http://127.0.0.1:{FreePorts.Next()}",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        return new RefusingGateway(await InProcessGateway.StartAsync(configuration));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
