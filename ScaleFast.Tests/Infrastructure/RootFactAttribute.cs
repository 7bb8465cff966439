namespace ScaleFast.Tests.Infrastructure;

/// <summary>A test that needs root (network namespaces, the servers' own system users): skipped, with the reason, for anyone else.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "Needs root (CI runs as root): run the tests as root to run this one.";
        }
    }
}
