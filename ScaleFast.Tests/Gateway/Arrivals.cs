using System.Globalization;
using Xunit.Abstractions;

namespace ScaleFast.Tests.Gateway;

/// <summary>The seeded random arrival patterns the limiter's property tests replay.</summary>
internal static class Arrivals
{
    /// <summary>A generator from <c>SCALEFAST_TEST_SEED</c>, or a new seed; either way printed, so that a run replays.</summary>
    public static Random Seeded(ITestOutputHelper output, out int seed)
    {
        seed = Environment.GetEnvironmentVariable("SCALEFAST_TEST_SEED") is { Length: > 0 } set
            ? int.Parse(set, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"Seed {seed}: replay with SCALEFAST_TEST_SEED={seed}");
        return new Random(seed);
    }

    /// <summary>Microseconds to the next arrivals: mostly short gaps, some long ones: bursts, steady use and idle clients alike.</summary>
    public static long Gap(Random random) => random.Next(20) switch
    {
        < 14 => random.NextInt64(200_000),
        < 19 => random.NextInt64(2_000_000),
        _ => random.NextInt64(15_000_000),
    };
}
