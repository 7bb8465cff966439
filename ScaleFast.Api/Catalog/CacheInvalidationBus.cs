using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using ScaleFast.Api.Extensions;
using ScaleFast.Settings;
using StackExchange.Redis;

namespace ScaleFast.Api.Catalog;

/// <summary>
/// Carries cache invalidations between instances over Redis pub/sub: HybridCache's
/// <c>RemoveAsync</c> clears only this instance's memory and Redis, so without it the other
/// instances would serve their L1 copy until it expires. An invalidation that cannot reach Redis
/// (down, or not answering in time) waits in <see cref="PendingInvalidations"/> and is done again,
/// removal and broadcast, once Redis answers.
/// </summary>
internal sealed partial class CacheInvalidationBus(
    IConnectionMultiplexer redis,
    HybridCache cache,
    ResilientDistributedCache l2,
    PendingInvalidations pending,
    IOptions<InstanceOptions> instance,
    IOptions<CatalogOptions> options,
    ILogger<CacheInvalidationBus> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("scalefast:cache-invalidations");
    private static readonly TimeSpan CatchUpInterval = TimeSpan.FromSeconds(1);

    private string Sender => instance.Value.Instance;

    /// <summary>After a committed write: tell every other instance to drop its copy; never fails the write.</summary>
    public async Task PublishAsync(string key)
    {
        if (!await TryPublishAsync(key))
        {
            pending.Add(key);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(Channel).WaitAsync(options.Value.RedisTimeout, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is away; the subscription ends with the connection.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscribed = false;
        var behind = false;
        using var timer = new PeriodicTimer(CatchUpInterval);
        do
        {
            subscribed = subscribed || await TrySubscribeAsync();
            var caughtUp = await CatchUpAsync(stoppingToken);
            if (!caughtUp && !behind)
            {
                LogBehind(pending.Count);
            }
            else if (caughtUp && behind)
            {
                LogCaughtUp();
            }

            behind = !caughtUp;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Each pending key: removed from Redis and broadcast, oldest first, until Redis fails again.</summary>
    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        foreach (var key in pending.Snapshot())
        {
            if (!await l2.TryRemoveAsync(key, cancellationToken) || !await TryPublishAsync(key))
            {
                return false;
            }

            pending.Remove(key);
        }

        return true;
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(Channel).WaitAsync(options.Value.RedisTimeout);
            queue.OnMessage(async message =>
            {
                var (sender, key) = Parse(message.Message.ToString());
                if (key is not null && sender != Sender)
                {
                    // The L1 copy goes at once; should the L2 removal fail, it waits in the pending set.
                    await cache.RemoveAsync(key);
                }
            });
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Tried again at the next tick; meanwhile the L1 copies expire on their own.
            return false;
        }
    }

    private async Task<bool> TryPublishAsync(string key)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, $"{Sender}\n{key}").WaitAsync(options.Value.RedisTimeout);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    private static (string? Sender, string? Key) Parse(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? (null, null) : (message[..newline], message[(newline + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} cache invalidations wait for Redis; other instances keep their copy until Redis answers or it expires.")]
    private partial void LogBehind(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cache invalidations caught up with Redis.")]
    private partial void LogCaughtUp();
}
