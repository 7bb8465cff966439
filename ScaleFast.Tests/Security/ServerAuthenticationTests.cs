using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using ScaleFast.AppHost.Infrastructure;
using ScaleFast.AppHost.Monitoring;
using ScaleFast.Hosting.Local;
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Security;

/// <summary>
/// Every server of the app refuses a client without its credentials and one with wrong ones, in
/// the server's own protocol; each test also shows the right credentials get in, so that a
/// refusal means the credentials, not a closed port.
/// </summary>
[Collection(ScaleFastAppCollection.Name)]
public sealed class ServerAuthenticationTests(ScaleFastAppFixture fixture)
{
    private const string WrongPassword = "not-the-password";

    [Fact]
    public async Task Redis_answers_nothing_before_AUTH_and_refuses_a_wrong_password()
    {
        var settings = (await fixture.App.GetConnectionStringAsync(ResourceNames.Redis))!.Split(',');
        var password = settings.Single(s => s.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
        await using var redis = await LineClient.ConnectAsync(Endpoint(settings[0]));

        Assert.StartsWith("-NOAUTH", await redis.AskAsync("PING"), StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await redis.AskAsync("GET scalefast:anything"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await redis.AskAsync($"AUTH {WrongPassword}"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await redis.AskAsync($"AUTH default {WrongPassword}"), StringComparison.Ordinal);
        Assert.Equal("+OK", await redis.AskAsync($"AUTH {password}"));
        Assert.Equal("+PONG", await redis.AskAsync("PING"));
    }

    [Fact]
    public async Task Postgres_asks_every_client_for_the_password()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync(ResourceNames.Database));
        var password = connectionString.Password;

        connectionString.Password = null;
        var none = await Assert.ThrowsAsync<NpgsqlException>(() => OpenAsync(connectionString));
        Assert.Contains("password", none.Message, StringComparison.OrdinalIgnoreCase);

        connectionString.Password = WrongPassword;
        var wrong = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(connectionString));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, wrong.SqlState);

        connectionString.Password = password;
        await OpenAsync(connectionString);
    }

    [Fact]
    public async Task RabbitMQ_refuses_guest_and_a_wrong_password_over_AMQP()
    {
        var uri = new Uri((await fixture.App.GetConnectionStringAsync(ResourceNames.RabbitMQ))!);
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        var password = Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]);

        foreach (var (name, secret) in new[] { ("guest", "guest"), (user, WrongPassword) })
        {
            var refused = await Assert.ThrowsAsync<BrokerUnreachableException>(() => ConnectAsync(uri, name, secret));
            Assert.Contains(Flatten(refused), e => e is AuthenticationFailureException);
        }

        await using var connection = await ConnectAsync(uri, user, password);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task RabbitMQ_management_API_asks_for_the_broker_user()
    {
        var uri = new Uri((await fixture.App.GetConnectionStringAsync(ResourceNames.RabbitMQ))!);
        using var management = fixture.App.CreateHttpClient(ResourceNames.RabbitMQ, "management");

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(management, "/api/overview", authorization: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(management, "/api/overview", Basic("guest", "guest")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(management, "/api/overview", Basic("scalefast", WrongPassword)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(management, "/api/overview", Basic(Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]), Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]))));
    }

    [Fact]
    public async Task RabbitMQ_metrics_take_only_a_client_certificate_of_the_brokers_own_authority()
    {
        var metrics = fixture.App.GetEndpoint(ResourceNames.RabbitMQ, BrokerMetrics.EndpointName);
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

    [Fact]
    public async Task The_mail_sink_takes_no_message_without_authentication()
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = await fixture.App.GetConnectionStringAsync(ResourceNames.Mail) };
        var (user, password) = ((string)settings["Username"], (string)settings["Password"]);
        var endpoint = new Uri($"smtp://{settings["Endpoint"].ToString()!.Split("://")[^1]}");
        await using var smtp = await LineClient.ConnectAsync(new DnsEndPoint(endpoint.Host, endpoint.Port));

        Assert.StartsWith("220", await smtp.ReadAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.AskAsync("EHLO security.test"), StringComparison.Ordinal);
        Assert.StartsWith("530", await smtp.AskAsync("MAIL FROM:<intruder@security.test>"), StringComparison.Ordinal);
        Assert.StartsWith("535", await smtp.AskAsync($"AUTH PLAIN {Plain(user, WrongPassword)}"), StringComparison.Ordinal);
        Assert.StartsWith("235", await smtp.AskAsync($"AUTH PLAIN {Plain(user, password)}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mail_sinks_web_UI_asks_for_its_user()
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = await fixture.App.GetConnectionStringAsync(ResourceNames.Mail) };
        using var web = fixture.App.CreateHttpClient(ResourceNames.Mail, "http");

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(web, "/api/messages", authorization: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(web, "/api/messages", Basic((string)settings["Username"], WrongPassword)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(web, "/api/messages", Basic((string)settings["Username"], (string)settings["Password"])));
    }

    [Fact]
    public async Task Prometheus_asks_for_its_user_on_the_UI_and_the_API()
    {
        using var prometheus = fixture.App.CreateHttpClient(ResourceNames.Prometheus, "http");
        var password = await fixture.App.GetParameterAsync(MonitoringExtensions.PasswordParameter);

        foreach (var path in new[] { "/-/ready", "/api/v1/query?query=up" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(prometheus, path, authorization: null));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(prometheus, path, Basic(PrometheusConfig.UserName, WrongPassword)));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(prometheus, path, Basic(PrometheusConfig.UserName, password)));
        }
    }

    private static async Task OpenAsync(NpgsqlConnectionStringBuilder connectionString)
    {
        connectionString.Pooling = false;
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
    }

    private static Task<IConnection> ConnectAsync(Uri uri, string user, string password) =>
        new ConnectionFactory { HostName = uri.Host, Port = uri.Port, UserName = user, Password = password, AutomaticRecoveryEnabled = false }
            .CreateConnectionAsync();

    private static IEnumerable<Exception> Flatten(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
        }
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

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    private static DnsEndPoint Endpoint(string hostAndPort)
    {
        var colon = hostAndPort.LastIndexOf(':');
        return new DnsEndPoint(hostAndPort[..colon], int.Parse(hostAndPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A line protocol client (Redis' inline commands, SMTP): one line out, one line back.</summary>
    private sealed class LineClient : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly StreamReader _reader;
        private readonly StreamWriter _writer;

        private LineClient(TcpClient tcp)
        {
            _tcp = tcp;
            _reader = new StreamReader(tcp.GetStream(), Encoding.ASCII);
            _writer = new StreamWriter(tcp.GetStream(), Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        }

        public static async Task<LineClient> ConnectAsync(DnsEndPoint endpoint)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
            tcp.ReceiveTimeout = (int)TestSettings.RequestTimeout.TotalMilliseconds;
            return new LineClient(tcp);
        }

        public async Task<string> AskAsync(string line)
        {
            await _writer.WriteLineAsync(line);
            return await ReadAsync();
        }

        /// <summary>One reply; of a multi-line SMTP reply ("250-…", then "250 …"), the last line.</summary>
        public async Task<string> ReadAsync()
        {
            using var timeout = new CancellationTokenSource(TestSettings.RequestTimeout);
            var line = await _reader.ReadLineAsync(timeout.Token) ?? string.Empty;
            while (line.Length > 3 && line[3] == '-' && char.IsDigit(line[0]))
            {
                line = await _reader.ReadLineAsync(timeout.Token) ?? string.Empty;
            }

            return line;
        }

        public ValueTask DisposeAsync()
        {
            _tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
