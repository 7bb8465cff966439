using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ScaleFast.AppHost.Topology;

/// <summary>
/// Hands a service the configuration sections it owns, as the AppHost's configuration sets them:
/// one environment variable per key (<c>Gateway:RateLimiting:KnownApiKeys:0</c> becomes
/// <c>Gateway__RateLimiting__KnownApiKeys__0</c>). A key nobody set is not forwarded, so the service's
/// own default applies.
/// </summary>
internal static class ConfigurationForwarding
{
    /// <summary>Forwards every key under each of <paramref name="sectionNames"/> to <paramref name="service"/>.</summary>
    public static IResourceBuilder<T> WithConfigurationSections<T>(
        this IResourceBuilder<T> service, IConfiguration configuration, IEnumerable<string> sectionNames) where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in sectionNames.SelectMany(name => configuration.GetSection(name).AsEnumerable()))
        {
            if (value is not null)
            {
                service.WithEnvironment(VariableName(key), value);
            }
        }

        return service;
    }

    /// <summary>
    /// The environment variable for the first index of the list at <paramref name="listKey"/> after those the
    /// configuration sets, so that a value the AppHost adds extends the user's list instead of replacing an item.
    /// </summary>
    public static string NextListItemVariable(IConfiguration configuration, string listKey)
    {
        var next = configuration.GetSection(listKey).GetChildren()
            .Select(item => int.TryParse(item.Key, out var index) ? index + 1 : 0)
            .DefaultIfEmpty(0)
            .Max();
        return VariableName(ConfigurationPath.Combine(listKey, next.ToString(CultureInfo.InvariantCulture)));
    }

    private static string VariableName(string key) => key.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal);
}
