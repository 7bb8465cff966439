using Xunit.Abstractions;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>The seed of a test's random choices: new each run, printed, and settable to replay a failure.</summary>
internal static class TestSeed
{
    public const string Variable = "SCALEFAST_TEST_SEED";

    public static int Next(ITestOutputHelper output)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(Variable), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var given)
            ? given
            : Environment.TickCount;
        output.WriteLine($"Seed: {seed} (replay with {Variable}={seed})");
        return seed;
    }
}
