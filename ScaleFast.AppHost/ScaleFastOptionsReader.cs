using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace ScaleFast.AppHost;

/// <summary>
/// Reads and validates <see cref="ScaleFastOptions"/> and the other knob sections (the services' own,
/// <see cref="Topology.ServiceSettings"/>) before the model is built; every problem names its full key.
/// </summary>
internal static class ScaleFastOptionsReader
{
    public static ScaleFastOptions Read(IConfiguration configuration) => Read<ScaleFastOptions>(configuration, ScaleFastOptions.SectionName);

    /// <summary>Binds <paramref name="sectionName"/> and validates it, nested option objects included.</summary>
    public static TOptions Read<TOptions>(IConfiguration configuration, string sectionName) where TOptions : class, new()
    {
        TOptions options;
        try
        {
            options = configuration.GetSection(sectionName).Get<TOptions>() ?? new TOptions();
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key, the value and the type it wanted.
            throw new ScaleFastSetupException($"Invalid configuration: {e.Message}", e);
        }

        var problems = Problems(options, sectionName).ToList();
        if (problems.Count > 0)
        {
            throw new ScaleFastSetupException($"Invalid configuration: {string.Join("; ", problems)}.");
        }

        return options;
    }

    private static IEnumerable<string> Problems(object options, string prefix)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.ToList();
            var message = result.ErrorMessage?.TrimEnd('.') ?? "invalid";
            // "The field WritesPerWindow must be …" once the key is named: "…:WritesPerWindow: must be …".
            if (members.Count == 1 && message.StartsWith($"The field {members[0]} ", StringComparison.Ordinal))
            {
                message = message[$"The field {members[0]} ".Length..];
            }

            var keys = members.Count == 0 ? [prefix] : members.Select(member => $"{prefix}:{member}");
            yield return $"{string.Join(", ", keys)}: {message}";
        }

        // Nested knob groups (ScaleFast:Kubernetes:Api:…) are options classes of this assembly.
        foreach (var property in options.GetType().GetProperties().Where(p => p.PropertyType.Assembly == typeof(ScaleFastOptionsReader).Assembly && p.PropertyType.IsClass))
        {
            if (property.GetValue(options) is { } nested)
            {
                foreach (var problem in Problems(nested, $"{prefix}:{property.Name}"))
                {
                    yield return problem;
                }
            }
        }
    }
}
