using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// The files a local RabbitMQ node reads at boot. The user comes from definitions imported on every
/// boot, so the node's stored user always has the current generated password, even when the data
/// was kept from a run with another one.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class RabbitMQNodeFiles(string dataDirectory)
{
    public string ConfigurationFile => Path.Combine(dataDirectory, "rabbitmq.conf");

    public string DefinitionsFile => Path.Combine(dataDirectory, "definitions.json");

    public string EnabledPluginsFile => Path.Combine(dataDirectory, "enabled_plugins");

    public string DatabaseDirectory => Path.Combine(dataDirectory, "mnesia");

    public string LogDirectory => Path.Combine(dataDirectory, "log");

    public string MetricsTlsDirectory => Path.Combine(dataDirectory, "tls");

    /// <summary>
    /// Writes the node's configuration, definitions and plugins. The Prometheus plugin has no
    /// password of its own, so its listener is TLS only and requires a client certificate that
    /// <paramref name="metricsCertificate"/>'s authority signed.
    /// </summary>
    public async Task WriteAsync(
        string userName, string password, int managementPort, int metricsPort, IssuedCertificate metricsCertificate, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        Directory.CreateDirectory(DatabaseDirectory);
        Directory.CreateDirectory(LogDirectory);
        var tls = await metricsCertificate.WriteAsync(MetricsTlsDirectory, "metrics", cancellationToken);

        await LocalServers.WriteSecretFileAsync(ConfigurationFile, string.Join('\n',
        [
            $"default_user = {userName}",
            $"default_pass = {password}",
            "loopback_users = none",
            $"load_definitions = {DefinitionsFile}",
            "management.tcp.ip = 127.0.0.1",
            $"management.tcp.port = {managementPort.ToString(CultureInfo.InvariantCulture)}",
            "prometheus.ssl.ip = 127.0.0.1",
            $"prometheus.ssl.port = {metricsPort.ToString(CultureInfo.InvariantCulture)}",
            $"prometheus.ssl.cacertfile = {tls.AuthorityFile}",
            $"prometheus.ssl.certfile = {tls.CertificateFile}",
            $"prometheus.ssl.keyfile = {tls.KeyFile}",
            "prometheus.ssl.verify = verify_peer",
            "prometheus.ssl.fail_if_no_peer_cert = true",
            "",
        ]), cancellationToken);

        var definitions = new
        {
            users = new[]
            {
                new
                {
                    name = userName,
                    password_hash = HashPassword(password),
                    hashing_algorithm = "rabbit_password_hashing_sha256",
                    tags = new[] { "administrator" },
                },
            },
            vhosts = new[] { new { name = "/" } },
            permissions = new[] { new { user = userName, vhost = "/", configure = ".*", write = ".*", read = ".*" } },
        };
        await LocalServers.WriteSecretFileAsync(DefinitionsFile, JsonSerializer.Serialize(definitions), cancellationToken);

        await File.WriteAllTextAsync(EnabledPluginsFile, "[rabbitmq_management,rabbitmq_prometheus].\n", cancellationToken);
    }

    /// <summary>
    /// RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64(salt ‖ SHA-256(salt ‖ UTF-8 password))
    /// with a random 4-byte salt.
    /// </summary>
    internal static string HashPassword(string password, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(4);
        byte[] salted = [.. salt, .. Encoding.UTF8.GetBytes(password)];
        return Convert.ToBase64String([.. salt, .. SHA256.HashData(salted)]);
    }
}
