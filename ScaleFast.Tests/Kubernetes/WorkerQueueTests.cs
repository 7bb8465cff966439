using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using ScaleFast.Worker.Extensions;

namespace ScaleFast.Tests.Kubernetes;

/// <summary>The queues KEDA scales the workers on are the ones the worker's bus really consumes.</summary>
public sealed class WorkerQueueTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_worker_bus_consumes_exactly_the_contract_queues(bool benchmarkEndpoints)
    {
        var consumed = await WorkerReceiveEndpointsAsync(benchmarkEndpoints);

        // The benchmark consumers exist only in a benchmark build (-p:ScaleFastBenchmarks=true).
        var benchmarkBuild = typeof(WorkerServiceExtensions).Assembly.GetType("ScaleFast.Worker.Benchmark.BenchmarkApi") is not null;
        Assert.Equal(Contracts.WorkerQueues.Consumed(benchmarkEndpoints && benchmarkBuild).Order(), consumed.Order());
    }

    [Fact]
    public async Task The_ScaledObject_has_a_trigger_for_each_queue_the_worker_consumes()
    {
        var triggers = published.Read("scaledobject-worker.yaml")["spec"]!["triggers"]!.AsArray();
        var queues = triggers.Select(t => (string)t!["metadata"]!["queueName"]!).ToList();

        Assert.Equal((await WorkerReceiveEndpointsAsync(benchmarkEndpoints: false)).Order(), queues.Order());
        Assert.All(triggers, t => Assert.Equal("rabbitmq", (string)t!["type"]!));
    }

    /// <summary>
    /// The worker's own registration (consumers, endpoint names, RabbitMQ bus) built in this process
    /// without a broker: creating the bus configures its receive endpoints, which its probe lists.
    /// </summary>
    private static async Task<IReadOnlyList<string>> WorkerReceiveEndpointsAsync(bool benchmarkEndpoints)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = "amqp://scalefast:unused@127.0.0.1:1",
            ["ConnectionStrings:scalefast"] = "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d",
            ["ConnectionStrings:mail"] = "Endpoint=smtp://127.0.0.1:1;Username=u;Password=p",
            ["Benchmark:Enabled"] = benchmarkEndpoints.ToString(),
        });
        builder.AddWorkerServices();
        await using var provider = builder.Services.BuildServiceProvider();
        var probe = JsonNode.Parse(JsonSerializer.Serialize(provider.GetRequiredService<IBusControl>().GetProbeResult()))!;

        // The bus's own reply queue is temporary (auto-delete); consumer queues are durable.
        return [.. probe["Results"]!["bus"]!["host"]!["receiveEndpoint"]!.AsArray()
            .Select(endpoint => endpoint!["receiveTransport"]!)
            .Where(transport => !(bool)transport["autoDelete"]!)
            .Select(transport => (string)transport["queueName"]!)];
    }
}
