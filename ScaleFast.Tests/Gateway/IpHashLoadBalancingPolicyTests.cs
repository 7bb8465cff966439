using ScaleFast.Gateway.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace ScaleFast.Tests.Gateway;

[Trait("Tier", "Fast")]
public sealed class IpHashLoadBalancingPolicyTests
{
    private static readonly IPAddress[] Clients = [.. Enumerable.Range(0, 3000).Select(i => new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]))];

    [Fact]
    public void A_client_always_gets_the_same_replica_whatever_the_order_of_the_list()
    {
        var replicas = Replicas("api-0", "api-1", "api-2");
        var reversed = replicas.AsEnumerable().Reverse().ToList();

        Assert.All(Clients.Take(200), client =>
        {
            var first = IpHashLoadBalancingPolicy.Pick(client, replicas)!.DestinationId;
            Assert.Equal(first, IpHashLoadBalancingPolicy.Pick(client, replicas)!.DestinationId);
            Assert.Equal(first, IpHashLoadBalancingPolicy.Pick(client, reversed)!.DestinationId);
        });
    }

    [Fact]
    public void Clients_spread_evenly_over_the_replicas()
    {
        var counts = Assign(Replicas("api-0", "api-1", "api-2")).Values.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, count => Assert.InRange(count, 900, 1100));
    }

    [Fact]
    public void When_a_replica_leaves_only_its_clients_move()
    {
        var before = Assign(Replicas("api-0", "api-1", "api-2"));
        var after = Assign(Replicas("api-0", "api-2"));

        var moved = Clients.Where(c => before[c] != after[c]).ToList();

        Assert.All(moved, client => Assert.Equal("api-1", before[client]));
        Assert.Equal(before.Values.Count(id => id == "api-1"), moved.Count);
    }

    [Fact]
    public void When_a_replica_joins_it_takes_a_fair_share_and_nobody_else_moves()
    {
        var before = Assign(Replicas("api-0", "api-1", "api-2"));
        var after = Assign(Replicas("api-0", "api-1", "api-2", "api-3"));

        var moved = Clients.Where(c => before[c] != after[c]).ToList();

        Assert.All(moved, client => Assert.Equal("api-3", after[client]));
        Assert.InRange(moved.Count, 600, 900);
    }

    [Fact]
    public void No_replica_gives_none_and_an_unknown_client_address_still_gets_one()
    {
        Assert.Null(IpHashLoadBalancingPolicy.Pick(Clients[0], []));
        Assert.NotNull(IpHashLoadBalancingPolicy.Pick(null, Replicas("api-0", "api-1")));
    }

    private static Dictionary<IPAddress, string> Assign(IReadOnlyList<DestinationState> replicas) =>
        Clients.ToDictionary(c => c, c => IpHashLoadBalancingPolicy.Pick(c, replicas)!.DestinationId);

    private static List<DestinationState> Replicas(params string[] ids) => [.. ids.Select(id => new DestinationState(id))];
}
