using System.Net.Http.Headers;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Security;

/// <summary>The AppHost started as a user starts it (<c>./run.sh</c>), with the dashboard.</summary>
public sealed class UserAppHostFixture : IAsyncLifetime
{
    private UserAppHost? _app;

    public UserAppHost App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync() => _app = await UserAppHost.StartAsync("--ScaleFast:ApiReplicas", "1", "--ScaleFast:WorkerReplicas", "1");

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UserAppHostCollection : ICollectionFixture<UserAppHostFixture>
{
    public const string Name = "ScaleFast started as ./run.sh starts it";
}

/// <summary>
/// Nothing the AppHost starts listens beyond loopback, but for the endpoints the app model marks
/// external (the gateway's, see <c>ManifestTests</c>); and the dashboard answers only with its
/// login token and its telemetry key.
/// </summary>
[Collection(UserAppHostCollection.Name)]
public sealed class ListenerSweepTests(UserAppHostFixture fixture)
{
    [Fact]
    public void Every_process_the_AppHost_started_listens_on_loopback_only()
    {
        var processes = ProcessTable.StartedBy(fixture.App.Pid);
        var listeners = ListeningSockets.Of(processes);

        // The sweep sees the whole fleet: servers, services, the dashboard and the orchestrator.
        Assert.All(["postgres", "redis-server", "beam.smp", "epmd", "prometheus", "ScaleFast.Api", "ScaleFast.Worke", "ScaleFast.Gatew", "Aspire.Dashboar", "dcp"],
            name => Assert.Contains(listeners, l => l.Process == name));

        var exposed = listeners.Where(l => !l.IsLoopback && !(l.Process == "ScaleFast.Gatew" && l.Port == fixture.App.GatewayPort)).ToList();
        Assert.True(exposed.Count == 0, $"Listening beyond loopback:\n{string.Join('\n', exposed)}");
    }

    [Fact]
    public void The_brokers_erlang_cookie_is_readable_by_its_owner_only()
    {
        var cookies = Directory.GetFiles(fixture.App.DataDirectory, ".erlang.cookie", SearchOption.AllDirectories);

        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie => Assert.Equal(
            UnixFileMode.None,
            File.GetUnixFileMode(cookie) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)));
    }

    [Fact]
    public async Task The_dashboard_lets_in_only_the_login_token()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = fixture.App.Dashboard };

        using var anonymous = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var wrongToken = await browser.GetAsync("/login?t=0123456789abcdef0123456789abcdef");
        using var stillAnonymous = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, stillAnonymous.StatusCode);
        Assert.StartsWith("/login", stillAnonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var rightToken = await browser.GetAsync($"/login?t={fixture.App.LoginToken}");
        using var signedIn = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task The_dashboards_telemetry_endpoint_refuses_a_missing_or_wrong_key(string? key)
    {
        using var otlp = new HttpClient { BaseAddress = fixture.App.Otlp };

        using var response = await otlp.SendAsync(ExportTraces(key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_dashboards_telemetry_endpoint_takes_the_key_the_services_are_given()
    {
        var key = fixture.App.DashboardEnvironment("DASHBOARD__OTLP__PRIMARYAPIKEY");
        using var otlp = new HttpClient { BaseAddress = fixture.App.Otlp };

        using var response = await otlp.SendAsync(ExportTraces(key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>An OTLP/gRPC export of no spans, over HTTP/2 without TLS, as the services send theirs.</summary>
    private static HttpRequestMessage ExportTraces(string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            // A gRPC frame: not compressed, length 0 (an empty ExportTraceServiceRequest).
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (key is not null)
        {
            request.Headers.Add("x-otlp-api-key", key);
        }

        return request;
    }
}
