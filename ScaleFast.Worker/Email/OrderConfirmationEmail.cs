using System.Globalization;
using System.Text;
using MimeKit;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Email;

/// <summary>The order-confirmation email for an <see cref="OrderPlaced"/>.</summary>
internal static class OrderConfirmationEmail
{
    /// <summary>The subject names the order, so that a person (or a test) finds the email of an order.</summary>
    public static string Subject(Guid orderId) => $"ScaleFast order {orderId} confirmed";

    public static MimeMessage Create(OrderPlaced order, string from)
    {
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Thank you for your order {order.OrderId}, placed {order.PlacedAt:yyyy-MM-dd HH:mm} UTC.")
            .AppendLine();
        foreach (var line in order.Lines)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"{line.Quantity} × {line.ProductName} (#{line.ProductId}) at {line.UnitPrice:0.00} = {line.Quantity * line.UnitPrice:0.00}");
        }

        body.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Total: {order.Total:0.00}");

        var message = new MimeMessage
        {
            Subject = Subject(order.OrderId),
            // The same id for every send of this order: a mail system that sees it twice can tell.
            MessageId = $"order-{order.OrderId:N}@scalefast",
            Body = new TextPart("plain") { Text = body.ToString() },
        };
        message.From.Add(MailboxAddress.Parse(from));
        // Throws ParseException for an address that is no address: the message then ends in the error queue.
        message.To.Add(MailboxAddress.Parse(order.CustomerEmail));
        return message;
    }
}
