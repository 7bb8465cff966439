using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Api.Http;

/// <summary>A decimal with at most <paramref name="places"/> decimal places (1.50 has two: trailing zeros do not count).</summary>
/// <param name="places">The most decimal places allowed.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class MaxDecimalPlacesAttribute(int places) : ValidationAttribute($"At most {places} decimal places.")
{
    public int Places { get; } = places;

    public override bool IsValid(object? value) => value is not decimal number || decimal.Round(number, Places) == number;
}
