using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Api.Data;

/// <summary>
/// How long a request may wait for Postgres (section <c>Database</c>). The AppHost forwards its own
/// <c>Database</c> section to every API instance and validates it with this class at start.
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Database";

    /// <summary>
    /// The longest a request's command, or its wait for a connection, may take. Default 5 s. Past it
    /// the command is cancelled (a database that does not answer the cancellation either gets its
    /// connection closed one second later) and the request gets the API's 503 with
    /// <c>Retry-After</c>: a hung database is a bounded wait, not a request held until the gateway
    /// gives up. The migrations and the demo data run without it.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CommandTimeout < TimeSpan.FromSeconds(1) || CommandTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("CommandTimeout must be between 1 s and 5 min.", [nameof(CommandTimeout)]);
        }
    }
}
