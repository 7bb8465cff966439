using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Settings;

/// <summary>
/// How each worker consumes (configuration section <c>Messaging</c>). The AppHost forwards its own
/// <c>Messaging</c> section to every worker and validates it with this class at start.
/// </summary>
public sealed class MessagingOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Messaging";

    /// <summary>Unacknowledged messages RabbitMQ hands one worker per queue ahead of time. Default 16.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 16;

    /// <summary>Messages one worker processes at once per queue. Default 8.</summary>
    [Range(1, 1_000)]
    public int ConcurrencyLimit { get; set; } = 8;

    /// <summary>
    /// In-memory retries of a failed message, as waits before each: short ones, for transient faults.
    /// When they are spent the message goes to its queue's <c>_error</c> queue. Default 100, 500, 2000 ms.
    /// </summary>
    [Required]
    [MinLength(0)]
    public TimeSpan[] RetryIntervals { get; set; } = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];
}
