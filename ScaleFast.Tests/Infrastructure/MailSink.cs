using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ScaleFast.AppHost.Infrastructure;

namespace ScaleFast.Tests.Infrastructure;

/// <summary>The <c>mail</c> resource's REST API (smtp4dev), with the user and password of its connection string.</summary>
internal sealed class MailSink : IDisposable
{
    private readonly HttpClient _client;

    private MailSink(HttpClient client) => _client = client;

    public static async Task<MailSink> ConnectAsync(DistributedApplication app)
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = await app.GetConnectionStringAsync(ResourceNames.Mail) };
        var client = app.CreateHttpClient(ResourceNames.Mail, "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings["Username"]}:{settings["Password"]}")));
        return new MailSink(client);
    }

    /// <summary>The subjects of every email the sink holds.</summary>
    public async Task<IReadOnlyList<string>> SubjectsAsync()
    {
        var page = await _client.GetFromJsonAsync<MessagePage>("/api/messages?pageSize=1000000");
        return page!.Results.Select(m => m.Subject).ToList();
    }

    /// <summary>How many emails confirm each of <paramref name="orders"/>: 0 for none, 2 for a duplicate.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> ConfirmationsAsync(IEnumerable<Guid> orders)
    {
        var subjects = await SubjectsAsync();
        return orders.ToDictionary(order => order, order => subjects.Count(s => s.Contains(order.ToString(), StringComparison.Ordinal)));
    }

    public void Dispose() => _client.Dispose();

    private sealed record MessagePage(IReadOnlyList<MessageSummary> Results);

    private sealed record MessageSummary(string Subject);
}
