using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// Picks free loopback ports for local servers. Their endpoints are proxy-less (no DCP proxy in
/// the data path), and DCP requires a proxy-less endpoint to name its port.
/// </summary>
/// <remarks>
/// A port is chosen now and bound by the server seconds later. Ports are taken below the kernel's
/// ephemeral range, so that nothing that asks the kernel for "any port" meanwhile (DCP's proxies,
/// the dashboard, outgoing connections) can be given the same one.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal static class FreePorts
{
    private const int Lowest = 10_000;
    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();
    private static readonly int BelowEphemeral = FirstEphemeralPort();

    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                var port = Random.Shared.Next(Lowest, BelowEphemeral);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FirstEphemeralPort()
    {
        // Linux: "32768\t60999"; elsewhere, the IANA range starts at 49152.
        var range = File.Exists(EphemeralRangeFile) ? File.ReadAllText(EphemeralRangeFile).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries) : [];
        return range.Length > 0 && int.TryParse(range[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var first) && first > Lowest + 1000
            ? first
            : 49_152;
    }
}
