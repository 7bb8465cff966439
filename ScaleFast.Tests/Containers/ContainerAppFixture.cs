using ScaleFast.Tests.Infrastructure;
using ScaleFast.Tests.Infrastructure.Containers;

namespace ScaleFast.Tests.Containers;

/// <summary>
/// One ScaleFast app in container mode on the images built here (<c>--ScaleFast:ContainerImages Local</c>),
/// shared by every test of <see cref="ContainerAppCollection"/>; the Docker engine lives as long as it.
/// </summary>
public sealed class ContainerAppFixture : IAsyncLifetime
{
    public const int ApiReplicas = 2;

    private DockerEngine? _engine;
    private TestApp? _app;

    public TestApp Test => _app ?? throw new InvalidOperationException("The app has not started.");

    public DistributedApplication App => Test.App;

    public async Task InitializeAsync()
    {
        if (ContainerFactAttribute.Unusable is not null)
        {
            return;
        }

        _engine = await DockerEngine.StartAsync();
        // Two API instances are enough to see balancing, one worker to see an order's email.
        _app = await TestApp.StartAsync(
            "--ScaleFast:Infrastructure=containers", "--ScaleFast:ContainerImages=Local", $"--ScaleFast:ApiReplicas={ApiReplicas}", "--ScaleFast:WorkerReplicas=1");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerAppCollection : ICollectionFixture<ContainerAppFixture>
{
    public const string Name = "ScaleFast app (container mode)";
}
