using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using ScaleFast.Api.Extensions;
using StackExchange.Redis;

namespace ScaleFast.Api.Catalog;

/// <summary>
/// Carries cache invalidations between instances over Redis pub/sub: HybridCache's
/// <c>RemoveAsync</c> clears only this instance's memory and Redis, so without it the other
/// instances would serve their L1 copy until it expires.
/// </summary>
internal sealed partial class CacheInvalidationBus(
    IConnectionMultiplexer redis,
    HybridCache cache,
    IOptions<InstanceOptions> instance,
    ILogger<CacheInvalidationBus> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("scalefast:cache-invalidations");

    private string Sender => instance.Value.Instance;

    public Task PublishAsync(string key) => PublishCoreAsync($"{Sender}\n{key}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
        queue.OnMessage(async message =>
        {
            var (sender, key) = Parse(message.Message.ToString());
            if (key is null || sender == Sender)
            {
                return;
            }

            try
            {
                await cache.RemoveAsync(key);
            }
            catch (RedisException e)
            {
                // The L1 copy is gone already; only the Redis removal failed, and the writer did that too.
                LogRemoveFailed(e, key);
            }
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAsync(Channel);

    private async Task PublishCoreAsync(string message)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, message);
        }
        catch (RedisException e)
        {
            // The write is committed and must not fail now; other instances catch up when their
            // L1 copy expires (Catalog:LocalCacheExpiration).
            LogPublishFailed(e);
        }
    }

    private static (string? Sender, string? Key) Parse(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? (null, null) : (message[..newline], message[(newline + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not broadcast a cache invalidation; other instances keep their copy until it expires.")]
    private partial void LogPublishFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove {Key} from Redis after an invalidation.")]
    private partial void LogRemoveFailed(Exception exception, string key);
}
