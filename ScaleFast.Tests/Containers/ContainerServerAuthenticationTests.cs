using ScaleFast.Tests.Security;

namespace ScaleFast.Tests.Containers;

/// <summary>The servers' authentication in container mode: the same refusals as local mode's processes.</summary>
[Collection(ContainerAppCollection.Name)]
public sealed class ContainerServerAuthenticationTests(ContainerAppFixture fixture) : ServerAuthenticationTests
{
    protected override DistributedApplication App => fixture.App;
}
