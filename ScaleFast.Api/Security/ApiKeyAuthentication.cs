using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ScaleFast.Api.Security;

/// <summary>
/// Authenticates an administrator by the <c>X-Api-Key</c> header against the keys the AppHost
/// passes in from a generated secret parameter. Writes to the catalog require it.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiKeyOptions> keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = ScaleFast.Contracts.ApiHeaders.ApiKey;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var presented) || presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented[0]!);
        var known = keys.Value.AdminKeys.Any(key => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), presentedBytes));
        if (!known)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, ApiKeyOptions.AdminRole)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        return Task.CompletedTask;
    }
}

/// <summary>The API keys that may write (section <c>ApiKeys</c>).</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>The authorization policy and role of a caller with an admin key.</summary>
    public const string AdminRole = "admin";

    /// <summary>Keys that may change the catalog. The AppHost sets one from the <c>api-admin-key</c> secret.</summary>
    public IList<string> AdminKeys { get; } = [];
}

internal static class ApiKeyAuthenticationExtensions
{
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .BindConfiguration(ApiKeyOptions.SectionName)
            .Validate(o => o.AdminKeys.All(key => key.Length >= 16), "Admin API keys must be at least 16 characters long.")
            .ValidateOnStart();

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyOptions.AdminRole, policy => policy.RequireRole(ApiKeyOptions.AdminRole));

        return builder;
    }
}
