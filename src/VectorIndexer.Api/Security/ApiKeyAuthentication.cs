using System.Globalization;
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
/// The failed-attempt limit of the API key (<c>Api:FailedKeyAttempts</c>): one
/// <see cref="FailedAttemptLimiter"/> for the process, by client partition (<see cref="ClientPartition"/>).
/// </summary>
internal sealed class ApiKeyAttempts(IOptions<ApiOptions> options, TimeProvider timeProvider)
{
    public FailedAttemptLimiter Limiter { get; } = new(options.Value.FailedKeyAttempts, timeProvider);
}

/// <summary>
/// Authenticates a request by its <c>X-Api-Key</c> header. Answers with ProblemDetails: 401 when the
/// key is missing or wrong, 403 when no key is configured on the server (the endpoints are then
/// closed, never open), 429 with <c>Retry-After</c> when the client made too many wrong attempts
/// (<c>Api:FailedKeyAttempts</c>): from then until its window ends, every request of the client that
/// carries the header is refused before its key is checked, the right key included. Each wrong key
/// is logged with the client and path, the lock-out once when it starts; keys are never logged or echoed.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier verifier,
    ApiKeyAttempts attempts,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string ClientName = "api-key-client";

    private TimeSpan? _lockedOutFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!verifier.IsConfigured || !Request.Headers.TryGetValue(ApiKeyDefaults.HeaderName, out var values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var limiter = attempts.Limiter;
        var client = ClientPartition.Of(Context.Connection.RemoteIpAddress);
        if (limiter.IsLockedOut(client, out var retryAfter))
        {
            _lockedOutFor = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed API-key attempts from this client."));
        }

        if (values.Count != 1 || !verifier.Verify(values[0]))
        {
            var failure = limiter.RecordFailure(client);
            LogKeyRefused(Logger, client, Request.Path.Value ?? "/", failure.Failures, limiter.PermitLimit);
            if (failure.LockOutStarted)
            {
                LogLockedOut(Logger, client, failure.Failures, RetryAfterSeconds(failure.RetryAfter));
            }

            return Task.FromResult(AuthenticateResult.Fail($"The {ApiKeyDefaults.HeaderName} header does not hold the configured key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, ClientName)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_lockedOutFor is { } wait)
        {
            var seconds = RetryAfterSeconds(wait);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return WriteAsync(
                StatusCodes.Status429TooManyRequests,
                "Too many failed API-key attempts.",
                string.Create(CultureInfo.InvariantCulture, $"This client sent {attempts.Limiter.PermitLimit} wrong keys within {attempts.Limiter.Window.TotalSeconds:0.###} seconds; retry after {seconds} seconds."));
        }

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

    private static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private async Task WriteAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Wrong API key from client {Client} on {Path} (failed attempt {Failures} of {PermitLimit} in the window)")]
    private static partial void LogKeyRefused(ILogger logger, string client, string path, int failures, int permitLimit);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Client {Client} locked out of the key-protected endpoints for {Seconds} s after {Failures} wrong API keys (Api:FailedKeyAttempts)")]
    private static partial void LogLockedOut(ILogger logger, string client, int failures, int seconds);
}
