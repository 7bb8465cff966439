namespace ScaleFast.Contracts;

/// <summary>A worker consumed a <see cref="PingRequested"/>.</summary>
/// <param name="PingId">The ping's id.</param>
/// <param name="Worker">The worker instance that consumed it, e.g. <c>worker-1</c>.</param>
/// <param name="AnsweredAt">When the worker answered.</param>
public sealed record PingAnswered(Guid PingId, string Worker, DateTimeOffset AnsweredAt);
