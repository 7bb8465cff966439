namespace ScaleFast.Tests.Infrastructure;

/// <summary>
/// A network namespace of the test's own, joined to this machine by a veth pair on a /30: a client
/// inside it reaches the host at <see cref="HostAddress"/> from <see cref="ClientAddress"/>, an
/// address that is neither loopback nor anything the host trusts. Needs root: see <see cref="RootFactAttribute"/>.
/// </summary>
internal sealed class NetworkNamespace : IAsyncDisposable
{
    private readonly string _name;

    private NetworkNamespace(string name, int subnet)
    {
        _name = name;
        HostAddress = $"10.213.{subnet}.1";
        ClientAddress = $"10.213.{subnet}.2";
    }

    public string HostAddress { get; }

    public string ClientAddress { get; }

    public static async Task<NetworkNamespace> CreateAsync()
    {
        var subnet = Random.Shared.Next(1, 250);
        var space = new NetworkNamespace($"scalefast-{subnet}-{Environment.ProcessId}", subnet);
        var host = $"sfh{subnet}x{Environment.ProcessId % 10000}";
        var inside = $"sfc{subnet}x{Environment.ProcessId % 10000}";
        string[][] steps =
        [
            ["netns", "add", space._name],
            ["link", "add", host, "type", "veth", "peer", "name", inside],
            ["link", "set", inside, "netns", space._name],
            ["addr", "add", $"{space.HostAddress}/30", "dev", host],
            ["link", "set", host, "up"],
            ["netns", "exec", space._name, "ip", "addr", "add", $"{space.ClientAddress}/30", "dev", inside],
            ["netns", "exec", space._name, "ip", "link", "set", inside, "up"],
            ["netns", "exec", space._name, "ip", "link", "set", "lo", "up"],
        ];
        foreach (var step in steps)
        {
            var result = await Command.RunAsync("ip", step);
            if (result.ExitCode != 0)
            {
                await space.DisposeAsync();
                throw new InvalidOperationException($"ip {string.Join(' ', step)} failed: {result.StandardError}");
            }
        }

        return space;
    }

    /// <summary>Runs <paramref name="program"/> inside the namespace.</summary>
    public Task<AppHostProcess.Result> RunAsync(string program, params string[] arguments) =>
        Command.RunAsync("ip", ["netns", "exec", _name, program, .. arguments]);

    public async ValueTask DisposeAsync() =>
        // Deleting the namespace deletes the veth pair with it.
        await Command.RunAsync("ip", ["netns", "delete", _name]);
}
