namespace ScaleFast.Hosting.Local;

/// <summary>smtp4dev run by <c>dotnet</c> from a pinned .NET tool (<c>.config/dotnet-tools.json</c>), in memory.</summary>
/// <param name="name">The resource name.</param>
/// <param name="workingDirectory">Its working directory.</param>
/// <param name="userName">The user for SMTP and the web UI.</param>
/// <param name="password">That user's password.</param>
public sealed class LocalSmtp4devResource(string name, string workingDirectory, ParameterResource userName, ParameterResource password)
    : ExecutableResource(name, "dotnet", workingDirectory), IResourceWithConnectionString
{
    /// <summary>The user for SMTP and the web UI.</summary>
    public ParameterResource UserNameParameter { get; } = userName;

    /// <summary>That user's password.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The SMTP endpoint.</summary>
    public EndpointReference SmtpEndpoint => new(this, Smtp4devSettings.SmtpEndpointName);

    /// <summary>The web UI and its API.</summary>
    public EndpointReference HttpEndpoint => new(this, Smtp4devSettings.HttpEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        Smtp4devSettings.ConnectionString(SmtpEndpoint, UserNameParameter, PasswordParameter);
}
