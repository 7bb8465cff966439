using System.Globalization;
using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>Adds smtp4dev run from a repository's pinned .NET tool.</summary>
[UnsupportedOSPlatform("windows")]
public static class LocalSmtp4devBuilderExtensions
{
    /// <summary>
    /// Adds smtp4dev on free loopback ports, SMTP and web UI both behind a password (the parameter
    /// <c>{name}-password</c>, generated unless configured), its store in memory (emails are gone
    /// when it stops, as a sink's should be), IMAP and POP3 off.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name, also the name of its connection string.</param>
    /// <param name="toolManifestDirectory">The directory whose <c>.config/dotnet-tools.json</c> pins <c>rnwood.smtp4dev</c>, restored by <c>dotnet tool restore</c>.</param>
    /// <param name="userName">The one user of SMTP and the web UI.</param>
    /// <param name="messagesToKeep">How many messages it keeps (its own default, 100, is small for a load test).</param>
    /// <returns>The resource builder. Its health check asks the web API, so <c>WaitFor</c> on it waits until smtp4dev answers.</returns>
    /// <exception cref="LocalServerSetupException">The tool manifest is missing or the tool is not restored.</exception>
    public static IResourceBuilder<LocalSmtp4devResource> AddLocalSmtp4dev(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        string toolManifestDirectory,
        IResourceBuilder<ParameterResource> userName,
        int messagesToKeep)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(toolManifestDirectory);
        ArgumentNullException.ThrowIfNull(userName);

        var assembly = Smtp4devTool.Require(toolManifestDirectory);
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var (smtpPort, httpPort) = (FreePorts.Next(), FreePorts.Next());

        return builder.AddResource(new LocalSmtp4devResource(name, toolManifestDirectory, userName.Resource, password))
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
                $"--messagestokeep={Invariant(messagesToKeep)}")
            .WithSmtp4devSettings(userName.Resource, password, messagesToKeep)
            .WithEndpoint(port: smtpPort, targetPort: smtpPort, scheme: "smtp", name: Smtp4devSettings.SmtpEndpointName, isProxied: false)
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: Smtp4devSettings.HttpEndpointName, isProxied: false)
            .WithUrlForEndpoint(Smtp4devSettings.HttpEndpointName, url => url.DisplayText = "Mail (smtp4dev)")
            .WithUrlForEndpoint(Smtp4devSettings.SmtpEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithIconName("Mail")
            // Answers 401 without the password, which is enough to know it is up.
            .WithHttpHealthCheck("/api/messages", statusCode: 401, endpointName: Smtp4devSettings.HttpEndpointName);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
