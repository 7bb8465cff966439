using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Infrastructure;
using ScaleFast.Tests.Infrastructure.Containers;
using ScaleFast.Tests.Kubernetes;

namespace ScaleFast.Tests.Containers;

/// <summary>
/// The Kubernetes objects published with the images of this build (tag <see cref="Tag"/>) and their
/// pods running in Docker (<see cref="DockerPods"/>): the service images from this build's output,
/// the servers on the images built here in place of the official ones the objects name.
/// </summary>
public sealed class PublishedPodsFixture : IAsyncLifetime
{
    private const string Tag = "k8s-test";

    private static readonly string Root = Path.GetFullPath(Path.Combine(Projects.ScaleFast_AppHost.ProjectPath, ".."));

    private DockerEngine? _engine;
    private PublishedKubernetes? _published;
    private DockerPods? _pods;

    internal DockerPods Pods => _pods ?? throw new InvalidOperationException("The pods have not started.");

    public async Task InitializeAsync()
    {
        if (ContainerFactAttribute.Unusable is not null)
        {
            return;
        }

        _engine = await DockerEngine.StartAsync();
        var images = await Command.RunAsync(Path.Combine(Root, "eng", "service-images.sh"), ["--local", Tag, "--", "-c", "Debug", "--no-build"]);
        Assert.True(images.ExitCode == 0, $"eng/service-images.sh failed:\n{images.StandardOutput}{images.StandardError}");

        _published = new PublishedKubernetes([.. PublishedKubernetes.Knobs, "--ScaleFast:Kubernetes:ImageTag", Tag]);
        await _published.InitializeAsync();
        _pods = await DockerPods.StartAsync(await File.ReadAllTextAsync(_published.Built),
            container => LocalContainerImages.ByServer.GetValueOrDefault(container.Name, container.Image));
    }

    public async Task DisposeAsync()
    {
        if (_pods is not null)
        {
            await _pods.DisposeAsync();
        }

        if (_published is not null)
        {
            await _published.DisposeAsync();
        }

        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedPodsCollection : ICollectionFixture<PublishedPodsFixture>
{
    public const string Name = "Published pods (Docker)";
}
