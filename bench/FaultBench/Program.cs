using System.Runtime.Versioning;
using ScaleFast.FaultBench;

[assembly: SupportedOSPlatform("linux")]

// bench/faults.sh [SECONDS per fault]: the fault table of the README.
var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8;
await using var bench = await FaultRun.StartAsync();
var rows = await bench.RunAsync(seconds);
Console.WriteLine(FaultTable.Render(rows, bench.Deliveries, seconds));
