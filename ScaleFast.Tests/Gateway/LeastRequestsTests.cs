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

    [Fact]
    public async Task New_requests_go_to_the_replica_with_none_in_flight_while_two_are_kept_busy()
    {
        using var gateway = fixture.App.CreateHttpClient(ResourceNames.Gateway, "http");
        var policy = "policy=\"LeastRequests\"";
        var before = await fixture.App.ReadMetricAsync(ResourceNames.Gateway, Decisions, policy);

        // Two uploads whose bodies do not end keep a request in flight on two replicas.
        var release = new TaskCompletionSource();
        var held = Enumerable.Range(0, 2).Select(_ => gateway.PostAsync("/api/orders", new UnfinishedBody(release.Task))).ToList();
        var inFlight = await Eventually.ReadAsync(
            () => fixture.App.ReadMetricAsync(ResourceNames.Gateway, Decisions, policy), decided => decided >= before + 2, TestSettings.RequestTimeout);
        Assert.Equal(before + 2, inFlight);

        var answered = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            answered.Add((await gateway.GetFromJsonAsync<InstanceDto>("/api/instance"))!.Instance);
        }

        release.SetResult();
        var uploads = await Task.WhenAll(held);

        Assert.Single(answered.Distinct());
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
