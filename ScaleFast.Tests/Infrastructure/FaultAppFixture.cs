namespace ScaleFast.Tests.Infrastructure;

/// <summary>An app of its own for the tests that stop servers and kill instances.</summary>
public sealed class FaultAppFixture : ScaleFastAppFixture;

[CollectionDefinition(Name)]
public sealed class FaultAppCollection : ICollectionFixture<FaultAppFixture>
{
    public const string Name = "ScaleFast app for faults (local mode)";
}
