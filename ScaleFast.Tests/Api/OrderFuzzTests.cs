using System.Globalization;
using System.Text;
using System.Text.Json;
using ScaleFast.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScaleFast.Tests.Api;

/// <summary>
/// Generated bodies for <c>POST /api/orders</c>: well-formed and not, valid and not. None may get a
/// 5xx, and stock may move only by the orders that were accepted.
/// </summary>
[Collection(InProcessApiCollection.Name)]
[Trait("Tier", "Fast")]
public sealed class OrderFuzzTests(InProcessApiFixture fixture, ITestOutputHelper output)
{
    private const int Bodies = 1_000;

    [Fact]
    public async Task A_thousand_generated_order_bodies_get_no_5xx_and_only_accepted_orders_change_stock()
    {
        using var admin = fixture.CreateAdminClient("api-0");
        var products = new List<ProductDto>();
        for (var i = 0; i < 4; i++)
        {
            products.Add(await Catalog.CreateProductAsync(admin, stock: 150));
        }

        var seed = TestSeed.Next(output);
        var generator = new OrderBodyGenerator(new Random(seed), [.. products.Select(p => p.Id)]);
        var clients = Enumerable.Range(0, InProcessApiFixture.Instances).Select(i => fixture.CreateClient(InProcessApiFixture.Name(i))).ToList();
        var taken = products.ToDictionary(p => p.Id, _ => 0);
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < Bodies; i++)
        {
            var body = generator.Next();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            var response = await clients[i % clients.Count].PostAsync("/api/orders", content);

            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"Body {i} got {status}: {Encoding.UTF8.GetString(body)}\n{await response.Content.ReadAsStringAsync()}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                foreach (var line in (await response.ReadJsonAsync<OrderDto>()).Lines)
                {
                    taken[line.ProductId] += line.Quantity;
                }
            }
            else
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        output.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(statuses.GetValueOrDefault(201) > 0, "Some generated orders should be valid.");
        Assert.True(statuses.GetValueOrDefault(409) > 0, "Some generated orders should exceed the stock.");
        foreach (var product in products)
        {
            Assert.Equal(150 - taken[product.Id], await Catalog.GetStockAsync(admin, product.Id));
        }

        clients.ForEach(client => client.Dispose());
    }

    /// <summary>Bodies from a seed: mostly order-shaped with valid and invalid values, some broken JSON, some junk.</summary>
    private sealed class OrderBodyGenerator(Random random, long[] productIds)
    {
        private static readonly string[] Emails = ["buyer@example.com", "x@y.org", "", "no-at-sign", "a@b", "\"quoted\"@example.com", "é@example.com", "<a@b.com>"];

        public byte[] Next() => random.Next(10) switch
        {
            0 => RandomBytes(),
            1 => Truncate(Encoding.UTF8.GetBytes(OrderJson())),
            _ => Encoding.UTF8.GetBytes(OrderJson()),
        };

        private string OrderJson()
        {
            var fields = new List<string>();
            if (random.Next(10) > 0)
            {
                fields.Add($"\"customerEmail\":{Value(() => JsonSerializer.Serialize(Pick(Emails)))}");
            }

            if (random.Next(10) > 0)
            {
                var count = random.Next(10) == 0 ? random.Next(0, 60) : random.Next(1, 4);
                fields.Add($"\"lines\":{Value(() => $"[{string.Join(",", Enumerable.Range(0, count).Select(_ => Line()))}]")}");
            }

            if (random.Next(8) == 0)
            {
                fields.Add($"\"extra\":{Scalar()}");
            }

            return $"{{{string.Join(",", fields.OrderBy(_ => random.Next()))}}}";
        }

        private string Line() => random.Next(12) switch
        {
            0 => "null",
            1 => Scalar(),
            _ => $"{{\"productId\":{Value(ProductId)},\"quantity\":{Value(Quantity)}}}",
        };

        private string ProductId() => random.Next(6) switch
        {
            0 => random.NextInt64(-5, long.MaxValue).ToString(CultureInfo.InvariantCulture),
            _ => Pick(productIds).ToString(CultureInfo.InvariantCulture),
        };

        private string Quantity() => random.Next(6) switch
        {
            0 => random.Next(-10, 3000).ToString(CultureInfo.InvariantCulture),
            1 => random.Next(30, 160).ToString(CultureInfo.InvariantCulture),
            _ => random.Next(1, 6).ToString(CultureInfo.InvariantCulture),
        };

        /// <summary>Usually the well-typed value; sometimes a value of another JSON type.</summary>
        private string Value(Func<string> wellTyped) => random.Next(8) == 0 ? Scalar() : wellTyped();

        private string Scalar() => random.Next(9) switch
        {
            0 => "null",
            1 => "true",
            2 => "\"text\"",
            3 => "1.5",
            4 => "-0",
            5 => "1e400",
            6 => "99999999999999999999999",
            7 => "{}",
            _ => "[[]]",
        };

        private byte[] RandomBytes()
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            return bytes;
        }

        private byte[] Truncate(byte[] json) => json[..random.Next(0, json.Length)];

        private T Pick<T>(T[] items) => items[random.Next(items.Length)];
    }
}
