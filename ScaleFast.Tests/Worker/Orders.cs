using System.Net.Http.Json;
using ScaleFast.Contracts;
using ScaleFast.Tests.Api;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Worker;

/// <summary>Orders and outbox rows for the worker tests.</summary>
internal static class Orders
{
    /// <summary>Places one order of a demo product (stock 10,000) and returns its id.</summary>
    public static async Task<Guid> PlaceAsync(HttpClient api, long productId = 42, string email = "buyer@example.com")
    {
        var response = await api.PostAsJsonAsync("/api/orders", new { customerEmail = email, lines = new[] { new { productId, quantity = 1 } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync<OrderDto>()).Id;
    }

    /// <summary>Places <paramref name="count"/> orders, spread over the API instances.</summary>
    public static async Task<IReadOnlyList<Guid>> PlaceManyAsync(DistributedApplication app, int count)
    {
        var clients = Enumerable.Range(0, 3).Select(i => app.CreateHttpClient($"api-{i}", "http")).ToList();
        try
        {
            var ids = new List<Guid>(count);
            foreach (var batch in Enumerable.Range(0, count).Chunk(10))
            {
                ids.AddRange(await Task.WhenAll(batch.Select(i => PlaceAsync(clients[i % clients.Count], productId: 100 + (i % 50)))));
            }

            return ids;
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Writes an outbox row as the API would, for messages the API would never write.</summary>
    public static async Task<Guid> AddOutboxRowAsync(DistributedApplication app, string type, string payload)
    {
        var id = Guid.CreateVersion7();
        await app.QueryScalarAsync<object>(
            "INSERT INTO outbox (id, type, payload) VALUES (@id, @type, @payload::jsonb); SELECT pg_notify(@channel, '')",
            ("id", id), ("type", type), ("payload", payload), ("channel", OutboxContract.NotificationChannel));
        return id;
    }

    /// <summary>The sum of a metric over both workers.</summary>
    public static async Task<double> ReadWorkersMetricAsync(DistributedApplication app, string metric, params string[] labels)
    {
        var sum = 0.0;
        foreach (var worker in new[] { "worker-0", "worker-1" })
        {
            try
            {
                sum += await app.ReadMetricAsync(worker, metric, labels);
            }
            catch (HttpRequestException)
            {
                // A worker a test stopped has no metrics.
            }
        }

        return sum;
    }
}
