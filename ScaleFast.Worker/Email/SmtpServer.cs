using System.Data.Common;

namespace ScaleFast.Worker.Email;

/// <summary>
/// The SMTP server from the <c>mail</c> connection string,
/// <c>Endpoint=smtp://host:port;Username=…;Password=…</c> (user and password optional).
/// </summary>
internal sealed record SmtpServer(string Host, int Port, string? UserName, string? Password)
{
    public static SmtpServer Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{WorkerConnectionNames.Mail} is not set: run the worker from the AppHost, or set it to Endpoint=smtp://host:port;Username=…;Password=….");
        }

        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri) || uri.Scheme != "smtp")
        {
            throw new InvalidOperationException($"ConnectionStrings:{WorkerConnectionNames.Mail} needs Endpoint=smtp://host:port.");
        }

        return new SmtpServer(
            uri.Host,
            uri.IsDefaultPort ? 25 : uri.Port,
            parts.TryGetValue("Username", out var user) ? user?.ToString() : null,
            parts.TryGetValue("Password", out var password) ? password?.ToString() : null);
    }
}
