using System.Globalization;
using System.Net;
using ScaleFast.Contracts;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// One limit per client: reads or writes. It names the client's key in Redis: the policy's
/// initial, then a known API key (hashed: keys never go to Redis) or the client address, e.g.
/// <c>scalefast:rl:r:203.0.113.7</c>. Either is short, so keys are bounded (an IPv6 address is
/// at most 45 characters) and a flood of addresses adds only small keys that expire with the
/// window. Short on purpose: a key of up to 30 characters (with any IPv4 address) takes a
/// smaller allocation in Redis than a longer one, and keys are most of what a client costs there.
/// </summary>
internal sealed class RateLimitPolicy
{
    // An IPv6 address with a scope fits well within this.
    private const int MaxClientLength = 64;

    private readonly string _prefix;
    private readonly Dictionary<string, RedisKey> _knownKeys;

    public RateLimitPolicy(string name, int limit, IEnumerable<string> knownApiKeys)
    {
        Name = name;
        Limit = limit;
        LimitHeader = limit.ToString(CultureInfo.InvariantCulture);
        _prefix = $"{SlidingWindowBuckets.KeyPrefix}{name[0]}:";
        _knownKeys = knownApiKeys.Distinct(StringComparer.Ordinal).ToDictionary(
            key => key,
            key => (RedisKey)$"{_prefix}key:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..16]}",
            StringComparer.Ordinal);
    }

    /// <summary>The <c>policy</c> tag of the metric and the span: <c>reads</c> or <c>writes</c>.</summary>
    public string Name { get; }

    public int Limit { get; }

    /// <summary>The <c>RateLimit-Limit</c> header, formatted once.</summary>
    public string LimitHeader { get; }

    /// <summary>The client's key: a known API key, else the address (an unknown key counts as none).</summary>
    public RedisKey KeyOf(HttpContext context)
    {
        if (context.Request.Headers[ApiHeaders.ApiKey] is [{ } apiKey] && _knownKeys.TryGetValue(apiKey, out var known))
        {
            return known;
        }

        return KeyOf(context.Connection.RemoteIpAddress);
    }

    /// <summary>The address's key, built in one allocation.</summary>
    public RedisKey KeyOf(IPAddress? address)
    {
        Span<char> key = stackalloc char[_prefix.Length + MaxClientLength];
        _prefix.CopyTo(key);
        var length = _prefix.Length;
        if (address is not null && address.TryFormat(key[length..], out var written))
        {
            length += written;
        }

        return new string(key[..length]);
    }
}
