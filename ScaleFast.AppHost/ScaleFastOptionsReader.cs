using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace ScaleFast.AppHost;

/// <summary>Reads and validates <see cref="ScaleFastOptions"/> before the model is built.</summary>
internal static class ScaleFastOptionsReader
{
    public static ScaleFastOptions Read(IConfiguration configuration)
    {
        ScaleFastOptions options;
        try
        {
            options = configuration.GetSection(ScaleFastOptions.SectionName).Get<ScaleFastOptions>() ?? new ScaleFastOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ScaleFastSetupException(
                $"Invalid ScaleFast configuration: {e.Message} " +
                $"ScaleFast:Infrastructure takes auto, containers or local; ScaleFast:LoadBalancing takes {string.Join(", ", Enum.GetNames<LoadBalancingPolicy>())}; " +
                "the replica counts and the port take whole numbers.", e);
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var problems = string.Join("; ", results.Select(r => $"ScaleFast:{string.Join(",", r.MemberNames)}: {r.ErrorMessage?.TrimEnd('.')}"));
            throw new ScaleFastSetupException($"Invalid ScaleFast configuration: {problems}.");
        }

        return options;
    }
}
