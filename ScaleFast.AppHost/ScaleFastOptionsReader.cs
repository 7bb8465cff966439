using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace ScaleFast.AppHost;

/// <summary>Reads and validates <see cref="ScaleFastOptions"/> (and other knob sections) before the model is built.</summary>
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
            throw new ScaleFastSetupException(
                $"Invalid ScaleFast configuration: {e.Message} " +
                $"ScaleFast:Infrastructure takes auto, containers or local; ScaleFast:LoadBalancing takes {string.Join(", ", Enum.GetNames<LoadBalancingPolicy>())}; " +
                "the replica counts and the port take whole numbers.", e);
        }

        var problems = Problems(options, sectionName).ToList();
        if (problems.Count > 0)
        {
            throw new ScaleFastSetupException($"Invalid ScaleFast configuration: {string.Join("; ", problems)}.");
        }

        return options;
    }

    private static IEnumerable<string> Problems(object options, string prefix)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            yield return $"{prefix}:{string.Join(",", result.MemberNames)}: {result.ErrorMessage?.TrimEnd('.')}";
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
