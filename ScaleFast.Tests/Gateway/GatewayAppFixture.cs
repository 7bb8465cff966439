using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

/// <summary>
/// An app of its own for the gateway tests that change its knobs: IpHash balancing, and a write
/// limit small enough to reach (5 per 10 s per client).
/// </summary>
public sealed class GatewayAppFixture : ScaleFastAppFixture
{
    public const int WriteLimit = 5;
    public const int WindowSeconds = 10;

    protected override string[] Arguments =>
    [
        "--Gateway:LoadBalancing=IpHash",
        $"--Gateway:RateLimiting:WritesPerWindow={WriteLimit}",
        $"--Gateway:RateLimiting:Window={TimeSpan.FromSeconds(WindowSeconds):c}",
    ];
}

[CollectionDefinition(Name)]
public sealed class GatewayAppCollection : ICollectionFixture<GatewayAppFixture>
{
    public const string Name = "ScaleFast app (IpHash, small write limit)";
}
