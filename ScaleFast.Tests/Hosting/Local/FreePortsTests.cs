using System.Net.Sockets;
using ScaleFast.Hosting.Local;

namespace ScaleFast.Tests.Hosting.Local;

[Trait("Tier", "Fast")]
public sealed class FreePortsTests
{
    [Fact]
    public void Ports_are_distinct_bindable_and_below_the_ephemeral_range()
    {
        var firstEphemeral = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);

        var ports = Enumerable.Range(0, 50).Select(_ => FreePorts.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port =>
        {
            Assert.InRange(port, 10_000, firstEphemeral - 1);
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        });
    }
}
