using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ScaleFast.AppHost.Infrastructure;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>The <c>rabbitmq</c> resource's management API, as the broker's user.</summary>
internal sealed class Broker : IDisposable
{
    private readonly HttpClient _client;

    private Broker(HttpClient client) => _client = client;

    public static async Task<Broker> ConnectAsync(DistributedApplication app)
    {
        var address = new Uri((await app.GetConnectionStringAsync(ResourceNames.RabbitMQ))!);
        var client = app.CreateHttpClient(ResourceNames.RabbitMQ, "management");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(address.UserInfo))));
        return new Broker(client);
    }

    /// <summary>A queue's messages: ready, unacknowledged, and the consumers on it; zeros for a queue that does not exist.</summary>
    public async Task<QueueState> QueueAsync(string queue)
    {
        using var response = await _client.GetAsync($"/api/queues/%2F/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new QueueState(0, 0, 0);
        }

        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<QueueState>())!;
    }

    public void Dispose() => _client.Dispose();

    public sealed record QueueState(
        [property: System.Text.Json.Serialization.JsonPropertyName("messages_ready")] long Ready,
        [property: System.Text.Json.Serialization.JsonPropertyName("messages_unacknowledged")] long Unacknowledged,
        [property: System.Text.Json.Serialization.JsonPropertyName("consumers")] long Consumers);
}
