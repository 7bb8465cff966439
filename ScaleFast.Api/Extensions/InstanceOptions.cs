using System.ComponentModel.DataAnnotations;

namespace ScaleFast.Api.Extensions;

/// <summary>Who this instance is; the AppHost sets <c>ScaleFast__Instance</c> to the resource name.</summary>
public sealed class InstanceOptions
{
    public const string SectionName = "ScaleFast";

    /// <summary>The instance name, e.g. <c>api-2</c>. Default: the machine name.</summary>
    [Required]
    public string Instance { get; set; } = Environment.MachineName;
}
