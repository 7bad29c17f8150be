using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Security;

namespace VectorIndexer.Api.Security;

/// <summary>Names of the API-key authentication: scheme, header and the authorization policy of the indexing endpoints.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "ApiKey";

    /// <summary>The header that carries the key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>The authorization policy the write, reindex and job endpoints require.</summary>
    public const string Policy = "VectorIndexer.IndexingApi";
}

/// <summary>
/// Checks a presented key against <c>Api:ApiKey</c> in fixed time (<see cref="SecretComparer"/>): both
/// are hashed with SHA-256 and the hashes compared in fixed time, so neither the
/// content nor the length of the key shows in the timing. Holds only the hash of the key.
/// </summary>
internal sealed class ApiKeyVerifier
{
    private readonly byte[]? _expectedHash;

    public ApiKeyVerifier(IOptions<ApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = options.Value.ApiKey;
        _expectedHash = string.IsNullOrEmpty(key) ? null : SecretComparer.HashSecret(key);
    }

    public bool IsConfigured => _expectedHash is not null;

    public bool Verify(string? presented)
    {
        return _expectedHash is not null && SecretComparer.MatchesHash(presented, _expectedHash);
    }
}

/// <summary>
/// Authenticates a request by its <c>X-Api-Key</c> header. Answers with ProblemDetails: 401 when the
/// key is missing or wrong, 403 when no key is configured on the server (the endpoints are then
/// closed, never open). Keys are never logged or echoed.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier verifier,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string ClientName = "api-key-client";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!verifier.IsConfigured || !Request.Headers.TryGetValue(ApiKeyDefaults.HeaderName, out var values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (values.Count != 1 || !verifier.Verify(values[0]))
        {
            return Task.FromResult(AuthenticateResult.Fail($"The {ApiKeyDefaults.HeaderName} header does not hold the configured key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, ClientName)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!verifier.IsConfigured)
        {
            return WriteAsync(
                StatusCodes.Status403Forbidden,
                "The API key is not configured.",
                "This server has no API key (setting Api:ApiKey), so the indexing endpoints are closed. An operator must set one.");
        }

        Response.Headers.WWWAuthenticate = $"{ApiKeyDefaults.Scheme} header=\"{ApiKeyDefaults.HeaderName}\"";
        return Request.Headers.ContainsKey(ApiKeyDefaults.HeaderName)
            ? WriteAsync(StatusCodes.Status401Unauthorized, "The API key is not valid.", $"The {ApiKeyDefaults.HeaderName} header does not hold the configured key.")
            : WriteAsync(StatusCodes.Status401Unauthorized, "An API key is required.", $"Send the API key in the {ApiKeyDefaults.HeaderName} header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(StatusCodes.Status403Forbidden, "Forbidden.", "This API key may not use this endpoint.");

    private async Task WriteAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }
}
