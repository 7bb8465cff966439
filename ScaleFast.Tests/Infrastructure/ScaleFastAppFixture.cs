namespace ScaleFast.Tests.Infrastructure;

/// <summary>One started local-mode ScaleFast app, shared by every test of <see cref="ScaleFastAppCollection"/>.</summary>
public class ScaleFastAppFixture : IAsyncLifetime
{
    private TestApp? _local;

    public TestApp Local => _local ?? throw new InvalidOperationException("The app has not started.");

    public DistributedApplication App => Local.App;

    /// <summary>AppHost arguments on top of local mode; a derived fixture turns knobs with them.</summary>
    protected virtual string[] Arguments => [];

    public async Task InitializeAsync() => _local = await TestApp.StartAsync(Arguments);

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
