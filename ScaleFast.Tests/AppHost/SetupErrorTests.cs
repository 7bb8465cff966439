using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.AppHost;

/// <summary>A set-up the AppHost cannot run stops it at once, with a message and no stack trace.</summary>
[Trait("Tier", "Fast")]
public sealed class SetupErrorTests : IDisposable
{
    private readonly DirectoryInfo _emptyPath = Directory.CreateTempSubdirectory("scalefast-empty-path-");
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("scalefast-data-");

    [Fact]
    public async Task Local_mode_with_a_missing_binary_names_the_program_and_its_package()
    {
        // An empty PATH hides redis-server and epmd (Debian puts postgres and rabbitmq-server off PATH,
        // where local mode also looks, so those are still found).
        var result = await AppHostProcess.RunAsync(
            ["--ScaleFast:Infrastructure", "local", "--ScaleFast:DataDirectory", _data.FullName],
            new Dictionary<string, string> { ["PATH"] = _emptyPath.FullName },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'redis-server' (package redis-server)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y redis-server", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    // Only root switches the servers to their own users; as anyone else the servers run as that
    // user and can enter whatever it can.
    [RootFact]
    public async Task A_data_directory_the_servers_system_users_cannot_enter_is_refused_with_the_fix()
    {
        var closed = _data.CreateSubdirectory("closed");
        File.SetUnixFileMode(closed.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = await AppHostProcess.RunAsync(
            ["--ScaleFast:Infrastructure", "local", "--ScaleFast:DataDirectory", Path.Combine(closed.FullName, "data")],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"chmod o+x {closed.FullName}", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--ScaleFast:Infrastructure", "kubernetes", "ScaleFast:Infrastructure")]
    [InlineData("--ScaleFast:ApiReplicas", "0", "ScaleFast:ApiReplicas")]
    [InlineData("--ScaleFast:GatewayPort", "eighty", "ScaleFast:GatewayPort")]
    [InlineData("--ScaleFast:PoolFactor", "64", "above ScaleFast:DatabaseMaxConnections = 100")]
    [InlineData("--Benchmark:Enabled", "true", "-p:ScaleFastBenchmarks=true")]
    [InlineData("--Catalog:CacheExpiration", "-00:00:01", "Catalog:CacheExpiration")]
    [InlineData("--DemoData:Products", "-1", "DemoData:Products")]
    [InlineData("--Messaging:PrefetchCount", "0", "Messaging:PrefetchCount")]
    [InlineData("--Gateway:LoadBalancing", "Fastest", "Gateway:LoadBalancing")]
    [InlineData("--Gateway:RateLimiting:WritesPerWindow", "0", "Gateway:RateLimiting:WritesPerWindow: must be between 1 and 1000000")]
    public async Task An_invalid_knob_is_named_in_a_readable_message(string key, string value, string named)
    {
        var result = await AppHostProcess.RunAsync([key, value, "--ScaleFast:DataDirectory", _data.FullName], timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(named, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _emptyPath.Delete(recursive: true);
        _data.Delete(recursive: true);
    }
}
