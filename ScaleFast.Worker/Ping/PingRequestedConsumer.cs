using MassTransit;
using Microsoft.Extensions.Options;
using ScaleFast.Contracts;
using ScaleFast.Worker.Extensions;

namespace ScaleFast.Worker.Ping;

/// <summary>Answers a ping with the name of the worker instance that consumed it.</summary>
public sealed partial class PingRequestedConsumer(IOptions<WorkerOptions> options, ILogger<PingRequestedConsumer> logger)
    : IConsumer<PingRequested>
{
    public async Task Consume(ConsumeContext<PingRequested> context)
    {
        LogPing(logger, context.Message.PingId, options.Value.Instance);
        await context.RespondAsync(new PingAnswered(context.Message.PingId, options.Value.Instance, DateTimeOffset.UtcNow));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ping {PingId} consumed by {Worker}.")]
    private static partial void LogPing(ILogger logger, Guid pingId, string worker);
}
