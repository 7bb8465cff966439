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
using ScaleFast.Tests.Infrastructure;

namespace ScaleFast.Tests.Security;

/// <summary>
/// Every server of the app refuses a client without its credentials and one with wrong ones, in
/// the server's own protocol; each test also shows the right credentials get in, so that a
/// refusal means the credentials, not a closed port. Run in each mode (local processes, containers).
/// </summary>
public abstract class ServerAuthenticationTests
{
    protected const string WrongPassword = "not-the-password";

    /// <summary>The started app whose servers are tried.</summary>
    protected abstract DistributedApplication App { get; }

    [Fact]
    public virtual async Task Redis_answers_nothing_before_AUTH_and_refuses_a_wrong_password()
    {
        var settings = (await App.GetConnectionStringAsync(ResourceNames.Redis))!.Split(',');
        var password = settings.Single(s => s.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
        // Aspire's Redis container speaks TLS on its main port when a development certificate exists.
        await using var redis = await LineClient.ConnectAsync(Endpoint(settings[0]), tls: settings.Contains("ssl=true"));

        Assert.StartsWith("-NOAUTH", await redis.AskAsync("PING"), StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await redis.AskAsync("GET scalefast:anything"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await redis.AskAsync($"AUTH {WrongPassword}"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await redis.AskAsync($"AUTH default {WrongPassword}"), StringComparison.Ordinal);
        Assert.Equal("+OK", await redis.AskAsync($"AUTH {password}"));
        Assert.Equal("+PONG", await redis.AskAsync("PING"));
    }

    [Fact]
    public virtual async Task Postgres_asks_every_client_for_the_password()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await App.GetConnectionStringAsync(ResourceNames.Database));
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
    public virtual async Task RabbitMQ_refuses_guest_and_a_wrong_password_over_AMQP()
    {
        var uri = new Uri((await App.GetConnectionStringAsync(ResourceNames.RabbitMQ))!);
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
    public virtual async Task RabbitMQ_management_API_asks_for_the_broker_user()
    {
        var uri = new Uri((await App.GetConnectionStringAsync(ResourceNames.RabbitMQ))!);
        using var management = App.CreateHttpClient(ResourceNames.RabbitMQ, "management");

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(management, "/api/overview", authorization: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(management, "/api/overview", Basic("guest", "guest")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(management, "/api/overview", Basic("scalefast", WrongPassword)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(management, "/api/overview", Basic(Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]), Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]))));
    }

    [Fact]
    public virtual async Task The_mail_sink_takes_no_message_without_authentication()
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = await App.GetConnectionStringAsync(ResourceNames.Mail) };
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
    public virtual async Task The_mail_sinks_web_UI_asks_for_its_user()
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = await App.GetConnectionStringAsync(ResourceNames.Mail) };
        using var web = App.CreateHttpClient(ResourceNames.Mail, "http");

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(web, "/api/messages", authorization: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(web, "/api/messages", Basic((string)settings["Username"], WrongPassword)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(web, "/api/messages", Basic((string)settings["Username"], (string)settings["Password"])));
    }

    [Fact]
    public virtual async Task Prometheus_asks_for_its_user_on_the_UI_and_the_API()
    {
        using var prometheus = App.CreateHttpClient(ResourceNames.Prometheus, "http");
        var password = await App.GetParameterAsync(MonitoringExtensions.PasswordParameter);

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

    protected static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    protected static AuthenticationHeaderValue Basic(string user, string password) =>
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
        private const string AspNetDevelopmentCertificateOid = "1.3.6.1.4.1.311.84.1.1";

        private readonly TcpClient _tcp;
        private readonly Stream _stream;
        private readonly StreamReader _reader;
        private readonly StreamWriter _writer;

        private LineClient(TcpClient tcp, Stream stream)
        {
            _tcp = tcp;
            _stream = stream;
            _reader = new StreamReader(stream, Encoding.ASCII);
            _writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        }

        /// <summary>Connects, over TLS when <paramref name="tls"/>: the server shows this machine's development certificate, which Aspire gives it.</summary>
        public static async Task<LineClient> ConnectAsync(DnsEndPoint endpoint, bool tls = false)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
            tcp.ReceiveTimeout = (int)TestSettings.RequestTimeout.TotalMilliseconds;
            Stream stream = tcp.GetStream();
            if (tls)
            {
                var secure = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, _) => IsDevelopmentCertificate(certificate));
                await secure.AuthenticateAsClientAsync(endpoint.Host);
                stream = secure;
            }

            return new LineClient(tcp, stream);
        }

        private static bool IsDevelopmentCertificate(X509Certificate? certificate)
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly);
            return certificate is not null && store.Certificates.Any(c => c.Extensions[AspNetDevelopmentCertificateOid] is not null && c.Thumbprint == certificate.GetCertHashString());
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

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _tcp.Dispose();
        }
    }
}
