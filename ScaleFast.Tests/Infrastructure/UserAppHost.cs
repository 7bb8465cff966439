using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// The AppHost run as a user's <c>./run.sh</c> runs it: its own process, in Development, with the
/// dashboard (on free ports, so that an app started by hand keeps its own), in local mode with a
/// throw-away data directory; returned once it reports every resource healthy.
/// </summary>
public sealed partial class UserAppHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly DirectoryInfo _data;

    private UserAppHost(Process process, StringBuilder output, DirectoryInfo data, Uri dashboard, Uri otlp, string loginToken, int gatewayPort)
    {
        HealthyAt = DateTime.UtcNow;
        _process = process;
        _output = output;
        _data = data;
        Dashboard = dashboard;
        Otlp = otlp;
        LoginToken = loginToken;
        GatewayPort = gatewayPort;
    }

    public int Pid => _process.Id;

    /// <summary>When the AppHost reported every resource healthy.</summary>
    public DateTime HealthyAt { get; }

    public Uri Dashboard { get; }

    /// <summary>The dashboard's OTLP/gRPC endpoint, where services send their telemetry.</summary>
    public Uri Otlp { get; }

    /// <summary>The token of the dashboard's login URL, which the AppHost prints.</summary>
    public string LoginToken { get; }

    public int GatewayPort { get; }

    public string DataDirectory => _data.FullName;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<UserAppHost> StartAsync(params string[] arguments)
    {
        var data = Directory.CreateTempSubdirectory("scalefast-user-");
        var (dashboardPort, otlpPort, resourceServicePort, gatewayPort) =
            (ScaleFast.Hosting.Local.FreePorts.Next(), ScaleFast.Hosting.Local.FreePorts.Next(), ScaleFast.Hosting.Local.FreePorts.Next(), ScaleFast.Hosting.Local.FreePorts.Next());
        var dashboard = new Uri($"http://localhost:{dashboardPort}");
        var otlp = new Uri($"http://localhost:{otlpPort}");

        // What the launch profile gives `dotnet run`, on ports of this test's own.
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://localhost:{dashboardPort}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{otlpPort}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{resourceServicePort}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        };
        var output = new StringBuilder();
        var process = AppHostProcess.Start(
            ["--ScaleFast:Infrastructure", "local", "--ScaleFast:DataDirectory", data.FullName, "--ScaleFast:GatewayPort", $"{gatewayPort}", .. arguments],
            environment,
            line =>
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            });

        var deadline = DateTime.UtcNow + TestSettings.StartupTimeout;
        string text;
        while (!HealthyLine().IsMatch(text = Read(output)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                data.Delete(recursive: true);
                throw new TimeoutException($"The AppHost did not report every resource healthy:\n{text}");
            }

            await Task.Delay(500);
        }

        var token = LoginUrl().Match(text).Groups["token"].Value;
        return new UserAppHost(process, output, data, dashboard, otlp, token, gatewayPort);
    }

    /// <summary>A variable of the environment the AppHost gave the dashboard (its keys, for instance).</summary>
    public string DashboardEnvironment(string name)
    {
        var dashboard = ProcessTable.StartedBy(Pid).Single(pid => File.ReadAllText($"/proc/{pid}/comm").Trim() == "Aspire.Dashboar");
        return File.ReadAllText($"/proc/{dashboard}/environ").Split('\0')
            .Single(v => v.StartsWith($"{name}=", StringComparison.Ordinal))[(name.Length + 1)..];
    }

    /// <summary>Stops the AppHost as Ctrl+C or a service manager does, which stops every process it started.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.TerminateAsync(TimeSpan.FromSeconds(60));
        _process.Dispose();
        _data.DeleteQuietly();
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [GeneratedRegex(@"All \d+ resources are healthy")]
    private static partial Regex HealthyLine();

    [GeneratedRegex(@"/login\?t=(?<token>[0-9a-f]+)")]
    private static partial Regex LoginUrl();
}
