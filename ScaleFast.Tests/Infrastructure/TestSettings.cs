using System.Runtime.Versioning;

// Integration tests start whole apps on a 2-core machine: one at a time keeps them predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Local mode, which every integration test uses, runs Linux server binaries.
[assembly: SupportedOSPlatform("linux")]

namespace ScaleFast.Tests.Infrastructure;

/// <summary>Limits shared by the integration tests.</summary>
internal static class TestSettings
{
    /// <summary>Start-up of a whole local-mode app (servers, instances) on a loaded 2-core machine.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    /// <summary>One request, one message round trip.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
}
