using System.Globalization;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// What smtp4dev has wherever it runs (a local process, or a container beside it in another mode):
/// one user and password required for SMTP and for the web UI and its API, and a connection string
/// <c>Endpoint=smtp://host:port;Username=…;Password=…</c>.
/// </summary>
public static class Smtp4devSettings
{
    /// <summary>The name of the SMTP endpoint.</summary>
    public const string SmtpEndpointName = "smtp";

    /// <summary>The name of the endpoint of the web UI and its API.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The connection string of an smtp4dev reached at <paramref name="smtp"/>.</summary>
    /// <param name="smtp">Its SMTP endpoint.</param>
    /// <param name="userName">The user it requires.</param>
    /// <param name="password">That user's password.</param>
    /// <returns><c>Endpoint=smtp://host:port;Username=…;Password=…</c>.</returns>
    public static ReferenceExpression ConnectionString(EndpointReference smtp, ParameterResource userName, ParameterResource password)
    {
        ArgumentNullException.ThrowIfNull(smtp);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);

        return ReferenceExpression.Create(
            $"Endpoint=smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)};Username={userName};Password={password}");
    }

    /// <summary>
    /// smtp4dev's settings as environment variables: authentication on for SMTP and the web UI, one
    /// user, plain SMTP authentication (on loopback), messages kept in memory.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="smtp4dev">The smtp4dev resource builder.</param>
    /// <param name="userName">The one user.</param>
    /// <param name="password">That user's password.</param>
    /// <param name="messagesToKeep">How many messages it keeps (its own default, 100, is small for a load test).</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<T> WithSmtp4devSettings<T>(
        this IResourceBuilder<T> smtp4dev, ParameterResource userName, ParameterResource password, int messagesToKeep)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(smtp4dev);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(messagesToKeep, 1);

        return smtp4dev.WithEnvironment("ServerOptions__AuthenticationRequired", "true")
            .WithEnvironment("ServerOptions__WebAuthenticationRequired", "true")
            .WithEnvironment("ServerOptions__SmtpAllowAnyCredentials", "false")
            .WithEnvironment("ServerOptions__SmtpAuthTypesNotSecure", "PLAIN,LOGIN")
            .WithEnvironment("ServerOptions__Users__0__Username", userName)
            .WithEnvironment("ServerOptions__Users__0__Password", password)
            .WithEnvironment("ServerOptions__NumberOfMessagesToKeep", messagesToKeep.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("ServerOptions__Database", string.Empty);
    }
}
