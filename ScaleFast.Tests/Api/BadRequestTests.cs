using System.Text;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Api;

/// <summary>Every bad request gets a 4xx with a ProblemDetails body that says what was wrong; never a 5xx.</summary>
[Collection(InProcessApiCollection.Name)]
[Trait("Tier", "Fast")]
public sealed class BadRequestTests(InProcessApiFixture fixture)
{
    private const string Json = "application/json";

    public static TheoryData<string, string, string?, string?, int, string?> Requests => new()
    {
        // method, path, body, content type, expected status, a field or text the problem must name
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":", Json, 400, "Path: $.lines" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[{\"productId\":\"one\",\"quantity\":1}]}", Json, 400, "$.lines[0].productId" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[{\"productId\":1,\"quantity\":1e30}]}", Json, 400, "$.lines[0].quantity" },
        { "POST", "/api/orders", "[]", Json, 400, "Path: $" },
        { "POST", "/api/orders", "", Json, 400, null },
        { "POST", "/api/orders", "customerEmail=a@example.com", "application/x-www-form-urlencoded", 415, null },
        { "POST", "/api/orders", "{}", Json, 400, "customerEmail" },
        { "POST", "/api/orders", "{\"customerEmail\":\"not-an-address\",\"lines\":[{\"productId\":1,\"quantity\":1}]}", Json, 400, "customerEmail" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[]}", Json, 400, "lines" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[null]}", Json, 400, "lines[0]" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[{\"productId\":1,\"quantity\":0}]}", Json, 400, "lines[0].quantity" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[{\"productId\":1,\"quantity\":1001}]}", Json, 400, "lines[0].quantity" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[{\"productId\":-4,\"quantity\":1}]}", Json, 400, "lines[0].productId" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[{\"productId\":1,\"quantity\":1},{\"productId\":1,\"quantity\":1}]}", Json, 400, "lines[1].productId" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a@example.com\",\"lines\":[{\"productId\":9007199254740991,\"quantity\":1}]}", Json, 400, "lines[0].productId" },
        { "POST", "/api/orders", $"{{\"customerEmail\":\"a@example.com\",\"lines\":[{string.Join(",", Enumerable.Range(1, 51).Select(i => $"{{\"productId\":{i},\"quantity\":1}}"))}]}}", Json, 400, "lines" },
        { "GET", "/api/orders/0000aaaa-0000-0000-0000-000000000000", null, null, 404, "0000aaaa-0000-0000-0000-000000000000" },
        { "GET", "/api/products/9223372036854775807", null, null, 404, "9223372036854775807" },
        { "GET", "/api/products/9223372036854775807/stock", null, null, 404, "9223372036854775807" },
        { "GET", "/api/products?limit=0", null, null, 400, "limit" },
        { "GET", "/api/products?category=toys%00", null, null, 400, "category" },
        { "POST", "/api/orders", "{\"customerEmail\":\"a\\u0000b@example.com\",\"lines\":[{\"productId\":1,\"quantity\":1}]}", Json, 400, "customerEmail" },
        { "GET", "/api/products?limit=many", null, null, 400, "limit" },
        { "GET", "/api/products?after=-1", null, null, 400, "after" },
        { "POST", "/api/reports", "{\"kind\":\"inventory\",\"from\":\"2026-01-01\",\"to\":\"2026-01-31\"}", Json, 400, "kind" },
        { "POST", "/api/reports", "{\"kind\":\"sales\",\"from\":\"2026-02-01\",\"to\":\"2026-01-01\"}", Json, 400, "to" },
        { "POST", "/api/reports", "{\"kind\":\"sales\",\"from\":\"2026-02-30\",\"to\":\"2026-03-01\"}", Json, 400, "$.from" },
        { "POST", "/api/reports", "{\"kind\":\"sales\"}", Json, 400, "from" },
        { "GET", "/api/reports/0000aaaa-0000-0000-0000-000000000000", null, null, 404, null },
        { "GET", "/api/reports/0000aaaa-0000-0000-0000-000000000000/content", null, null, 404, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_bad_request_gets_a_problem_that_names_what_is_wrong(string method, string path, string? body, string? contentType, int status, string? named)
    {
        using var client = fixture.CreateClient("api-1");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        }

        var response = await client.SendAsync(request);

        await Catalog.AssertProblemAsync(response, (HttpStatusCode)status);
        if (named is not null)
        {
            Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_64_KiB_is_refused_with_413_whether_its_length_is_declared_or_chunked(bool chunked)
    {
        using var client = fixture.CreateClient("api-0");
        var body = $"{{\"customerEmail\":\"{new string('a', 70_000)}@example.com\",\"lines\":[]}}";
        using var content = new StringContent(body, Encoding.UTF8, Json);
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = chunked ? new ChunkedContent(content) : content };

        await Catalog.AssertProblemAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>Wraps content so that its length is unknown and HttpClient sends it chunked.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly HttpContent _inner;

        public ChunkedContent(HttpContent inner)
        {
            _inner = inner;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
