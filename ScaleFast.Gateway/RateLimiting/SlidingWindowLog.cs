using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// A sliding-window log in Redis: one sorted set per client and policy holds the times of the
/// requests let through in the last window. One Lua script per decision, atomic, with Redis'
/// own clock (<c>TIME</c>) so that every gateway agrees: drop what left the window, count, admit
/// if under the limit. Any number of gateways sharing Redis together admit exactly the limit.
/// </summary>
public sealed class SlidingWindowLog(IConnectionMultiplexer redis)
{
    // Returns {admitted (1|0), remaining, microseconds until the oldest entry leaves the window}.
    private static readonly LuaScript Script = LuaScript.Prepare(
        """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
        local window = tonumber(@windowMicroseconds)
        local limit = tonumber(@limit)
        redis.call('ZREMRANGEBYSCORE', @key, '-inf', now - window)
        local count = redis.call('ZCARD', @key)
        local admitted = 0
        if count < limit then
          redis.call('ZADD', @key, now, @member)
          redis.call('PEXPIRE', @key, math.ceil(window / 1000))
          count = count + 1
          admitted = 1
        end
        local oldest = redis.call('ZRANGE', @key, 0, 0, 'WITHSCORES')
        local reset = window
        if oldest[2] then reset = tonumber(oldest[2]) + window - now end
        return {admitted, limit - count, reset}
        """);

    /// <summary>Asks Redis whether one more request of <paramref name="partition"/> fits in the window.</summary>
    public async Task<SlidingWindowDecision> TryAdmitAsync(string partition, int limit, TimeSpan window)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, new
        {
            key = (RedisKey)$"scalefast:ratelimit:{partition}",
            windowMicroseconds = (long)(window.Ticks / (TimeSpan.TicksPerMillisecond / 1000)),
            limit,
            member = Guid.NewGuid().ToString("N"),
        }))!;

        return new SlidingWindowDecision(
            Admitted: (int)result[0] == 1,
            Limit: limit,
            Remaining: Math.Max(0, (int)result[1]),
            Reset: TimeSpan.FromTicks(Math.Max(0, (long)result[2]) * (TimeSpan.TicksPerMillisecond / 1000)));
    }
}

/// <summary>One decision of the <see cref="SlidingWindowLog"/>.</summary>
/// <param name="Admitted">Whether the request fits.</param>
/// <param name="Limit">The limit of the window.</param>
/// <param name="Remaining">Requests still allowed in the window after this one.</param>
/// <param name="Reset">Until the oldest request in the window leaves it: when one more slot frees.</param>
public sealed record SlidingWindowDecision(bool Admitted, int Limit, int Remaining, TimeSpan Reset);
