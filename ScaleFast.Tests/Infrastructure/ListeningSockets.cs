using System.Globalization;
using System.Net.Sockets;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// The sockets processes listen on, read from /proc: TCP sockets in LISTEN state and UDP sockets
/// bound without a peer (each can be sent to from wherever its address is reachable).
/// </summary>
internal static class ListeningSockets
{
    public sealed record Listener(int Pid, string Process, string Protocol, IPAddress Address, int Port)
    {
        public bool IsLoopback => IPAddress.IsLoopback(Address.IsIPv4MappedToIPv6 ? Address.MapToIPv4() : Address);

        public override string ToString() => $"{Process} (pid {Pid}) {Protocol} {new IPEndPoint(Address, Port)}";
    }

    private const string TcpListen = "0A";

    /// <summary>Every listener of the processes <paramref name="pids"/>.</summary>
    public static IReadOnlyList<Listener> Of(IEnumerable<int> pids)
    {
        var sockets = ReadTable("tcp", "tcp", AddressFamily.InterNetwork, state => state == TcpListen)
            .Concat(ReadTable("tcp6", "tcp", AddressFamily.InterNetworkV6, state => state == TcpListen))
            .Concat(ReadTable("udp", "udp", AddressFamily.InterNetwork, _ => true))
            .Concat(ReadTable("udp6", "udp", AddressFamily.InterNetworkV6, _ => true))
            .ToLookup(s => s.Inode);

        var listeners = new List<Listener>();
        foreach (var pid in pids)
        {
            foreach (var inode in SocketInodes(pid))
            {
                listeners.AddRange(sockets[inode].Select(s => new Listener(pid, ProcessName(pid), s.Protocol, s.Address, s.Port)));
            }
        }

        return listeners.Distinct().ToList();
    }

    private sealed record Socket(long Inode, string Protocol, IPAddress Address, int Port);

    /// <summary>
    /// One /proc/net table: "sl local_address rem_address st … inode". Addresses are hex in the
    /// kernel's byte order (each 32-bit word little-endian on x86).
    /// </summary>
    private static IEnumerable<Socket> ReadTable(string file, string protocol, AddressFamily family, Func<string, bool> keep)
    {
        foreach (var line in File.ReadLines($"/proc/net/{file}").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (local, remote, state, inode) = (fields[1], fields[2], fields[3], long.Parse(fields[9], CultureInfo.InvariantCulture));
            var unconnected = remote.EndsWith(":0000", StringComparison.Ordinal);
            if (inode == 0 || !keep(state) || (protocol == "udp" && !unconnected))
            {
                continue;
            }

            var (address, port) = ParseEndpoint(local, family);
            yield return new Socket(inode, protocol, address, port);
        }
    }

    private static (IPAddress Address, int Port) ParseEndpoint(string hex, AddressFamily family)
    {
        var colon = hex.IndexOf(':', StringComparison.Ordinal);
        var addressHex = hex[..colon];
        var bytes = Convert.FromHexString(addressHex);
        // Each 4-byte word is in host order (little-endian): reverse within words.
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        var address = new IPAddress(bytes);
        if (address.AddressFamily != family)
        {
            throw new InvalidOperationException($"Unexpected address {addressHex} in a {family} table.");
        }

        return (address, int.Parse(hex[(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    private static IEnumerable<long> SocketInodes(int pid)
    {
        string[] links;
        try
        {
            links = Directory.GetFiles($"/proc/{pid}/fd");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break; // Gone meanwhile.
        }

        foreach (var link in links)
        {
            string? target;
            try
            {
                target = new FileInfo(link).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                yield return long.Parse(target["socket:[".Length..^1], CultureInfo.InvariantCulture);
            }
        }
    }

    private static string ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
