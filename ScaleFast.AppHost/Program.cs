using ScaleFast.AppHost;
using ScaleFast.AppHost.Topology;

var builder = DistributedApplication.CreateBuilder(args);

try
{
    builder.AddScaleFast();
}
catch (ScaleFastSetupException e)
{
    // A setup problem is the user's to fix: say what and how, without a stack trace.
    await Console.Error.WriteLineAsync($"ScaleFast cannot start: {e.Message}");
    return 1;
}

await builder.Build().RunAsync();
return 0;
