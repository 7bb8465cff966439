using System.ComponentModel.DataAnnotations;
using System.Net.Mail;

namespace ScaleFast.Api.Http;

/// <summary>
/// An address an email can be sent to as it is: no display name or angle brackets, a host with a
/// dot. (<see cref="EmailAddressAttribute"/> checks only for one '@' not at either end.)
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class PlainEmailAddressAttribute() : ValidationAttribute("Not an email address.")
{
    public override bool IsValid(object? value) =>
        value is not string { Length: > 0 } text
        || (MailAddress.TryCreate(text, out var address) && address.Address == text && address.Host.Contains('.', StringComparison.Ordinal));
}
