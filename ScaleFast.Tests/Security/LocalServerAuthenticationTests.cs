using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Monitoring;
using ScaleFast.Hosting.Local;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Security;

/// <summary>The servers' authentication in local mode, where the broker's metrics take a client certificate.</summary>
[Collection(ScaleFastAppCollection.Name)]
public sealed class LocalServerAuthenticationTests(ScaleFastAppFixture fixture) : ServerAuthenticationTests
{
    protected override DistributedApplication App => fixture.App;

    [Fact]
    public async Task RabbitMQ_metrics_take_only_a_client_certificate_of_the_brokers_own_authority()
    {
        var metrics = App.GetEndpoint(ResourceNames.RabbitMQ, BrokerMetrics.EndpointName);
        var path = $"{BrokerMetrics.MetricsPath}?family=queue_coarse_metrics";

        // Plain HTTP: the listener speaks TLS only.
        using (var plain = new HttpClient())
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new UriBuilder(metrics) { Scheme = "http" }.Uri + path[1..]));
        }

        // Prometheus' own certificate, as the AppHost wrote it for the scrape, and the authority
        // the broker's certificate comes from.
        var tls = Path.Combine(fixture.Local.DataDirectory, ResourceNames.Prometheus, "tls");
        var own = new IssuedCertificate(
            await File.ReadAllTextAsync(Path.Combine(tls, "rabbitmq.crt")),
            await File.ReadAllTextAsync(Path.Combine(tls, "rabbitmq.key")),
            await File.ReadAllTextAsync(Path.Combine(tls, "rabbitmq-ca.crt")));

        // TLS without a client certificate, and with one another authority signed.
        using var stranger = LocalCertificateAuthority.Create("stranger");
        foreach (var certificate in new[] { null, stranger.IssueClient("prometheus") })
        {
            using var client = MetricsClient(own.AuthorityPem, certificate);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(metrics, path)));
        }

        using var prometheus = MetricsClient(own.AuthorityPem, own);
        using var scraped = await prometheus.GetAsync(new Uri(metrics, path));
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
    }

    /// <summary>A client that trusts the broker's authority (<paramref name="authorityPem"/>) and presents <paramref name="certificate"/>.</summary>
    private static HttpClient MetricsClient(string authorityPem, IssuedCertificate? certificate)
    {
        var chainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        chainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(authorityPem));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = chainPolicy },
        };
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPem(certificate.CertificatePem, certificate.KeyPem)];
        }

        return new HttpClient(handler) { Timeout = TestSettings.RequestTimeout };
    }
}
