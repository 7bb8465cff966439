using ScaleFast.Hosting.Local;

namespace ScaleFast.AppHost.Mail;

/// <summary>smtp4dev as the <c>rnwood/smtp4dev</c> container.</summary>
/// <param name="name">The resource name.</param>
/// <param name="userName">The user for SMTP and the web UI.</param>
/// <param name="password">That user's password.</param>
public sealed class Smtp4devContainerResource(string name, ParameterResource userName, ParameterResource password)
    : ContainerResource(name), IResourceWithConnectionString
{
    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        Smtp4devSettings.ConnectionString(new EndpointReference(this, Smtp4devSettings.SmtpEndpointName), userName, password);
}
