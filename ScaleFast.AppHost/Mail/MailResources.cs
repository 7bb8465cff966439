using ScaleFast.Hosting.Local;

namespace ScaleFast.AppHost.Mail;

/// <summary>
/// What the <c>mail</c> resource (smtp4dev, an SMTP sink with a web UI) has in every mode: a user and
/// generated password required for SMTP and for the web UI and its API, and a connection string
/// <c>Endpoint=smtp://host:port;Username=…;Password=…</c> (<see cref="Smtp4devSettings"/>).
/// </summary>
internal static class MailResources
{
    /// <summary>How many emails the sink keeps (its default, 100, is less than one test sends).</summary>
    public const int MessagesToKeep = 100_000;

    public static IResourceBuilder<ParameterResource> AddMailUserName(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter($"{name}-username", "scalefast");
}
