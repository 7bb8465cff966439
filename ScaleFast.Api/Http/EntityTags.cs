using Microsoft.Net.Http.Headers;

namespace ScaleFast.Api.Http;

/// <summary>Strong entity tags made from a row version: <c>"v7"</c>.</summary>
internal static class EntityTags
{
    public static string For(int version) => $"\"v{version}\"";

    /// <summary>Whether <c>If-None-Match</c> names the current version (or <c>*</c>): answer 304.</summary>
    public static bool IfNoneMatchHits(HttpRequest request, int version)
    {
        var current = For(version);
        return EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
            && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Equals(current, StringComparison.Ordinal));
    }

    /// <summary>
    /// The version a write expects, from <c>If-Match</c>: <c>null</c> for <c>*</c> (any version),
    /// <see cref="ExpectedVersion.Missing"/> when there is no usable header.
    /// </summary>
    public static ExpectedVersion ParseIfMatch(HttpRequest request)
    {
        if (!EntityTagHeaderValue.TryParseStrictList(request.Headers.IfMatch, out var tags) || tags.Count != 1)
        {
            return ExpectedVersion.Missing;
        }

        var tag = tags[0];
        if (tag.Equals(EntityTagHeaderValue.Any))
        {
            return ExpectedVersion.Any;
        }

        var value = tag.Tag.Value;
        return !tag.IsWeak && value is ['"', 'v', .., '"'] && int.TryParse(value.AsSpan(2, value.Length - 3), out var version)
            ? new ExpectedVersion(version)
            : ExpectedVersion.Stale;
    }
}

/// <summary>What <c>If-Match</c> asked for.</summary>
/// <param name="Version">The version expected; <c>null</c> for any.</param>
internal readonly record struct ExpectedVersion(int? Version)
{
    /// <summary>No <c>If-Match</c>: the write is refused with 428.</summary>
    public static readonly ExpectedVersion Missing = new(-1);

    /// <summary><c>If-Match: *</c>.</summary>
    public static readonly ExpectedVersion Any = new((int?)null);

    /// <summary>A tag that is not one of ours can match no version: 412.</summary>
    public static readonly ExpectedVersion Stale = new(0);

    public bool IsMissing => Version == -1;
}
