namespace ScaleFast.AppHost.Mail;

/// <summary>
/// What the <c>mail</c> resource (smtp4dev, an SMTP sink with a web UI) has in every mode: a user and
/// generated password required for SMTP and for the web UI and its API, and a connection string
/// <c>Endpoint=smtp://host:port;Username=…;Password=…</c>.
/// </summary>
internal static class MailResources
{
    public const string SmtpEndpointName = "smtp";
    public const string HttpEndpointName = "http";

    /// <summary>How many emails the sink keeps (its default, 100, is less than one test sends).</summary>
    public const int MessagesToKeep = 100_000;

    public static IResourceBuilder<ParameterResource> AddMailUserName(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter($"{name}-username", "scalefast");

    public static ReferenceExpression ConnectionString(EndpointReference smtp, ParameterResource userName, ParameterResource password) =>
        ReferenceExpression.Create(
            $"Endpoint=smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)};Username={userName};Password={password}");

    /// <summary>smtp4dev's settings as environment variables: authentication on, one user, plain SMTP auth on loopback.</summary>
    public static IResourceBuilder<T> WithSmtp4devSettings<T>(this IResourceBuilder<T> mail, ParameterResource userName, ParameterResource password)
        where T : IResourceWithEnvironment =>
        mail.WithEnvironment("ServerOptions__AuthenticationRequired", "true")
            .WithEnvironment("ServerOptions__WebAuthenticationRequired", "true")
            .WithEnvironment("ServerOptions__SmtpAllowAnyCredentials", "false")
            .WithEnvironment("ServerOptions__SmtpAuthTypesNotSecure", "PLAIN,LOGIN")
            .WithEnvironment("ServerOptions__Users__0__Username", userName)
            .WithEnvironment("ServerOptions__Users__0__Password", password)
            .WithEnvironment("ServerOptions__NumberOfMessagesToKeep", MessagesToKeep.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("ServerOptions__Database", string.Empty);
}
