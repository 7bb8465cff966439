using System.Runtime.Versioning;
using ScaleFast.AppHost.Mail;

namespace ScaleFast.AppHost.Local.Smtp4dev;

/// <summary>smtp4dev run by <c>dotnet</c> from the repository's pinned tool (<c>.config/dotnet-tools.json</c>), in memory.</summary>
/// <param name="name">The resource name.</param>
/// <param name="workingDirectory">Its working directory.</param>
/// <param name="userName">The user for SMTP and the web UI.</param>
/// <param name="password">That user's password.</param>
[UnsupportedOSPlatform("windows")]
public sealed class LocalSmtp4devResource(string name, string workingDirectory, ParameterResource userName, ParameterResource password)
    : ExecutableResource(name, "dotnet", workingDirectory), IResourceWithConnectionString
{
    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        MailResources.ConnectionString(new EndpointReference(this, MailResources.SmtpEndpointName), userName, password);
}
