using System.Net.Http.Json;
using System.Text;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Gateway;

public sealed class LeastRequestsAppFixture : ScaleFastAppFixture
{
    protected override string[] Arguments => ["--Gateway:LoadBalancing=LeastRequests"];
}

[CollectionDefinition(Name)]
public sealed class LeastRequestsAppCollection : ICollectionFixture<LeastRequestsAppFixture>
{
    public const string Name = "ScaleFast app (LeastRequests)";
}

[Collection(LeastRequestsAppCollection.Name)]
public sealed class LeastRequestsTests(LeastRequestsAppFixture fixture)
{
    private const string Decisions = "scalefast_gateway_balancing_decisions_total";
    private static readonly string[] Replicas = ["api-0", "api-1", "api-2"];

    private async Task<Dictionary<string, double>> DecisionsAsync(string policy)
    {
        var decisions = new Dictionary<string, double>();
        foreach (var replica in Replicas)
        {
            decisions[replica] = await fixture.App.ReadMetricAsync(ResourceNames.Gateway, Decisions, policy, $"destination=\"{replica}\"");
        }

        return decisions;
    }

    [Fact]
    public async Task New_requests_go_to_the_replica_with_none_in_flight_while_two_are_kept_busy()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        var policy = "policy=\"LeastRequests\"";
        var before = await DecisionsAsync(policy);

        // Two uploads whose bodies do not end keep a request in flight on two replicas: the second
        // starts once the first is placed (decided together, both would go to the same idle one).
        var release = new TaskCompletionSource();
        var held = new List<Task<HttpResponseMessage>>();
        var inFlight = before;
        for (var upload = 1; upload <= 2; upload++)
        {
            held.Add(gateway.PostAsync("/api/orders", new UnfinishedBody(release.Task)));
            var placed = upload;
            inFlight = await Eventually.ReadAsync(() => DecisionsAsync(policy), decided => decided.Values.Sum() >= before.Values.Sum() + placed, TestSettings.RequestTimeout);
        }

        var busy = Replicas.Where(r => inFlight[r] > before[r]).ToList();
        Assert.Equal(2, busy.Count);

        var answered = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            answered.Add((await gateway.GetFromJsonAsync<InstanceDto>("/api/instance"))!.Instance);
        }

        release.SetResult();
        var uploads = await Task.WhenAll(held);

        // Every new request went to the one replica with nothing in flight.
        Assert.Equal(Replicas.Except(busy), answered.Distinct());
        Assert.All(uploads, upload => Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode));
    }

    /// <summary>Sends the start of a JSON body, then waits for <c>release</c> before the rest (chunked: no length).</summary>
    private sealed class UnfinishedBody : HttpContent
    {
        private readonly Task _release;

        public UnfinishedBody(Task release)
        {
            _release = release;
            Headers.ContentType = new("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"customerEmail\":"));
            await stream.FlushAsync();
            await _release;
            await stream.WriteAsync(Encoding.UTF8.GetBytes("\"held@example.com\",\"lines\":[]}"));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
