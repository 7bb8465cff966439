using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using ScaleFast.Contracts;
using ScaleFast.Settings;

namespace ScaleFast.Worker.Email;

/// <summary>
/// Sends the confirmation email of a placed order, once: the inbox claim and the send share a
/// transaction that commits only after the SMTP server accepted the email. A failed send rolls the
/// claim back and the message is retried; a redelivered message finds the claim and sends nothing.
/// (Only a crash between the server's acceptance and the commit can send twice; the email's
/// Message-ID is the same each time, so the mail system can tell.)
/// </summary>
internal sealed partial class OrderConfirmationConsumer(
    NpgsqlDataSource dataSource,
    Inbox.Inbox inbox,
    SmtpMailer mailer,
    IOptions<MailOptions> options,
    ILogger<OrderConfirmationConsumer> logger) : IConsumer<OrderPlaced>
{
    private const string InboxName = "order-confirmation";

    public async Task Consume(ConsumeContext<OrderPlaced> context)
    {
        var order = context.Message;
        var email = OrderConfirmationEmail.Create(order, options.Value.From);

        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        if (!await inbox.TryClaimAsync(connection, transaction, context.MessageId, InboxName, context.CancellationToken))
        {
            LogDuplicate(logger, order.OrderId);
            return;
        }

        await mailer.SendAsync(email, context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        LogSent(logger, order.OrderId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmation of order {OrderId} sent.")]
    private static partial void LogSent(ILogger logger, Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmation of order {OrderId} was already sent; duplicate delivery skipped.")]
    private static partial void LogDuplicate(ILogger logger, Guid orderId);
}
