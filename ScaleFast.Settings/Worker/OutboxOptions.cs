using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Settings;

/// <summary>How the relay moves outbox rows to RabbitMQ (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Outbox";

    /// <summary>Rows locked, published and marked sent per transaction. Default 100.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How often the relay looks for rows without being notified. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one batch may wait for the broker's confirms. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between attempts while the broker or the database is down. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long sent outbox rows, inbox rows and idempotency keys are kept. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}
