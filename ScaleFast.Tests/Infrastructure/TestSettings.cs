[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ScaleFast.Tests.Infrastructure;

/// <summary>Limits shared by the integration tests.</summary>
internal static class TestSettings
{
    /// <summary>Start-up of a whole local-mode app (servers, instances) on a loaded 2-core machine.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    /// <summary>One request, one message round trip.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
}
