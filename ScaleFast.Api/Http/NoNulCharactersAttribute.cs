using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Api.Http;

/// <summary>
/// A string without NUL characters: PostgreSQL's text cannot hold one, so caught here it is a 400
/// that names the field instead of a 500 from the database.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class NoNulCharactersAttribute() : ValidationAttribute("Must not contain NUL characters.")
{
    public override bool IsValid(object? value) => value is not string text || !text.Contains('\0', StringComparison.Ordinal);
}
