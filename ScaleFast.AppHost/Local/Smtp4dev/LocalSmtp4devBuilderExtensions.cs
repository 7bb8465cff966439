using System.Globalization;
using System.Runtime.Versioning;
using ScaleFast.AppHost.Mail;

namespace ScaleFast.AppHost.Local.Smtp4dev;

/// <summary>Adds smtp4dev run from the repository's pinned .NET tool.</summary>
[UnsupportedOSPlatform("windows")]
internal static class LocalSmtp4devBuilderExtensions
{
    /// <summary>
    /// Adds smtp4dev on free loopback ports, SMTP and web UI both behind a generated password, its
    /// store in memory (emails are gone when it stops, as a sink's should be), IMAP and POP3 off.
    /// </summary>
    public static IResourceBuilder<LocalSmtp4devResource> AddLocalSmtp4dev(this IDistributedApplicationBuilder builder, string name, string repositoryRoot)
    {
        var assembly = Smtp4devTool.Require(repositoryRoot);
        var userName = builder.AddMailUserName(name);
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var (smtpPort, httpPort) = (FreePorts.Next(), FreePorts.Next());

        return builder.AddResource(new LocalSmtp4devResource(name, repositoryRoot, userName.Resource, password))
            .WithArgs(
                assembly,
                $"--urls=http://127.0.0.1:{Invariant(httpPort)}",
                $"--smtpport={Invariant(smtpPort)}",
                "--bindaddress=127.0.0.1",
                "--imapport=",
                "--pop3port=",
                "--db=",
                "--nousersettings",
                "--hostname=localhost",
                $"--messagestokeep={Invariant(MailResources.MessagesToKeep)}")
            .WithSmtp4devSettings(userName.Resource, password)
            .WithEndpoint(port: smtpPort, targetPort: smtpPort, scheme: "smtp", name: MailResources.SmtpEndpointName, isProxied: false)
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: MailResources.HttpEndpointName, isProxied: false)
            .WithUrlForEndpoint(MailResources.HttpEndpointName, url => url.DisplayText = "Mail (smtp4dev)")
            .WithUrlForEndpoint(MailResources.SmtpEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithIconName("Mail")
            // Answers 401 without the password, which is enough to know it is up.
            .WithHttpHealthCheck("/api/messages", statusCode: 401, endpointName: MailResources.HttpEndpointName);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
