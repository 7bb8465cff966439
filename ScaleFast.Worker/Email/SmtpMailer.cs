using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ScaleFast.Worker.Email;

/// <summary>
/// Sends emails over a few kept-open, authenticated SMTP connections (MailKit), one per concurrent
/// send: connecting and authenticating for each email would cost more than the email. A
/// connection that fails is dropped, and the send fails so that the consumer's retry runs.
/// </summary>
internal sealed class SmtpMailer(SmtpServer server) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentBag<SmtpClient> _idle = [];

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        SmtpClient? client = null;
        while (client is null && _idle.TryTake(out var kept))
        {
            if (kept.IsConnected)
            {
                client = kept;
            }
            else
            {
                kept.Dispose();
            }
        }

        client ??= await ConnectAsync(cancellationToken);
        try
        {
            await client.SendAsync(message, cancellationToken);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _idle.Add(client);
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // TCP_NODELAY: an SMTP exchange is many small writes, each waiting for its answer;
            // Nagle's algorithm would hold some of them back for a delayed acknowledgement.
            await socket.ConnectAsync(server.Host, server.Port, cancellationToken);
            await client.ConnectAsync(socket, server.Host, server.Port, SecureSocketOptions.None, cancellationToken);
            if (server.UserName is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, server.Password ?? string.Empty, cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var client))
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            client.Dispose();
        }
    }
}
