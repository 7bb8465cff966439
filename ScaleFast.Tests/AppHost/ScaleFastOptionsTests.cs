using Microsoft.Extensions.Configuration;
using ScaleFast.AppHost;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Topology;

namespace ScaleFast.Tests.AppHost;

[Trait("Tier", "Fast")]
public sealed class ScaleFastOptionsTests
{
    [Fact]
    public void Defaults_apply_when_nothing_is_configured()
    {
        var options = Read([]);

        Assert.Equal(InfrastructureMode.Auto, options.Infrastructure);
        Assert.Equal(3, options.ApiReplicas);
        Assert.Equal(2, options.WorkerReplicas);
        Assert.Equal(8080, options.GatewayPort);
        Assert.False(options.CleanStart);
        Assert.Equal(ServiceLaunch.Auto, options.ServiceLaunch);
    }

    [Fact]
    public void Modes_are_read_whatever_their_case()
    {
        Assert.Equal(InfrastructureMode.Local, Read(new() { ["ScaleFast:Infrastructure"] = "local" }).Infrastructure);
        Assert.Equal(InfrastructureMode.Containers, Read(new() { ["ScaleFast:Infrastructure"] = "Containers" }).Infrastructure);
        Assert.Equal(ServiceLaunch.DotnetRun, Read(new() { ["ScaleFast:ServiceLaunch"] = "dotnetrun" }).ServiceLaunch);
    }

    [Theory]
    [InlineData("ScaleFast:ApiReplicas", "0")]
    [InlineData("ScaleFast:WorkerReplicas", "33")]
    [InlineData("ScaleFast:GatewayPort", "70000")]
    [InlineData("ScaleFast:Infrastructure", "kubernetes")]
    [InlineData("ScaleFast:TraceSampling", "1.5")]
    [InlineData("ScaleFast:ServiceLaunch", "container")]
    public void An_invalid_value_is_rejected_with_its_key(string key, string value)
    {
        var error = Assert.Throws<ScaleFastSetupException>(() => Read(new() { [key] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static ScaleFastOptions Read(Dictionary<string, string?> values) =>
        ScaleFastOptionsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
}
