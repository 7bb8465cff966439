using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace ScaleFast.AppHost.Local;

/// <summary>
/// Picks free loopback ports for local servers. Their endpoints are proxy-less (no DCP proxy in
/// the data path), and DCP requires a proxy-less endpoint to name its port.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
