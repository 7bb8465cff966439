namespace ScaleFast.Tests.Infrastructure;

/// <summary>One started local-mode ScaleFast app, shared by every test of <see cref="ScaleFastAppCollection"/>.</summary>
public sealed class ScaleFastAppFixture : IAsyncLifetime
{
    private LocalApp? _local;

    public LocalApp Local => _local ?? throw new InvalidOperationException("The app has not started.");

    public DistributedApplication App => Local.App;

    public async Task InitializeAsync() => _local = await LocalApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ScaleFastAppCollection : ICollectionFixture<ScaleFastAppFixture>
{
    public const string Name = "ScaleFast app (local mode)";
}
