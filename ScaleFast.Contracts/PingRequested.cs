namespace ScaleFast.Contracts;

/// <summary>
/// Someone asked whether the workers are consuming: the smallest message that proves the path
/// publisher → RabbitMQ → worker consumer → reply.
/// </summary>
/// <param name="PingId">Identifies this ping; the answer echoes it.</param>
/// <param name="RequestedAt">When it was sent.</param>
public sealed record PingRequested(Guid PingId, DateTimeOffset RequestedAt);
