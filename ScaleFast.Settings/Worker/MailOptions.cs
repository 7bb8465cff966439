using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Settings;

/// <summary>Who emails come from (configuration section <c>Mail</c>); the server is the <c>mail</c> connection string.</summary>
public sealed class MailOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Mail";

    /// <summary>The From address of order confirmations. Default <c>ScaleFast &lt;orders@scalefast.example&gt;</c>.</summary>
    [Required]
    public string From { get; set; } = "ScaleFast <orders@scalefast.example>";
}
