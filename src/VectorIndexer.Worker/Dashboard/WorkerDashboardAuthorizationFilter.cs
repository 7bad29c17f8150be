using System.Net;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using VectorIndexer.Core.Security;

namespace VectorIndexer.Worker.Dashboard;

/// <summary>
/// Who may open the Hangfire dashboard. In Development, requests from this machine. Elsewhere (and
/// from other machines) only a request carrying the configured key (<c>X-Api-Key</c> header, from
/// <c>Worker:Dashboard:ApiKey</c>) or the configured basic-authentication credentials
/// (<c>Worker:Dashboard:Username</c>/<c>Password</c>). With nothing configured the dashboard is
/// closed: Hangfire answers 401 to a request without credentials and 403 to one with wrong ones.
/// Keys and credentials are compared with <see cref="SecretComparer"/> (SHA-256 hashes of both sides
/// in fixed time), so the timing reveals neither their content nor their length.
/// </summary>
/// <remarks>
/// Failed attempts are limited per client partition (<see cref="ClientPartition"/>) by
/// <c>Worker:Dashboard:FailedAttempts</c>: each request whose key or credentials are refused is logged
/// (client and path, never what was presented) and counted; after <c>PermitLimit</c> within
/// <c>Window</c> every request of the client that presents credentials is refused before they are
/// checked, the right ones included, until the window ends, and the lock-out is logged once. The
/// filter then puts the time left in <see cref="HttpContext.Items"/> under <see cref="LockedOutItem"/>,
/// which <c>MapIndexingDashboard()</c> answers as 429 ProblemDetails with <c>Retry-After</c>.
/// </remarks>
public sealed class WorkerDashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    /// <summary>The header that carries the dashboard key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The <see cref="HttpContext.Items"/> key under which a refused, locked-out request holds the time left (a <see cref="TimeSpan"/>).</summary>
    public const string LockedOutItem = "VectorIndexer.Dashboard.LockedOutFor";

    private readonly IHostEnvironment _environment;
    private readonly WorkerDashboardOptions _options;
    private readonly ILogger _logger;

    public WorkerDashboardAuthorizationFilter(
        IHostEnvironment environment,
        IOptions<WorkerOptions> options,
        ILogger<WorkerDashboardAuthorizationFilter> logger,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _environment = environment;
        _options = options.Value.Dashboard;
        _logger = logger;
        Limiter = new FailedAttemptLimiter(_options.FailedAttempts, timeProvider);
    }

    /// <summary>The failed attempts of this dashboard, by client partition.</summary>
    public FailedAttemptLimiter Limiter { get; }

    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        if (_environment.IsDevelopment() && IsLocal(http.Connection))
        {
            return true;
        }

        // Only requests that present credentials to a dashboard that has some are counted and limited.
        var limited = (!string.IsNullOrEmpty(_options.ApiKey) || !string.IsNullOrEmpty(_options.Password))
            && (http.Request.Headers.ContainsKey(ApiKeyHeader) || http.Request.Headers.ContainsKey(HeaderNames.Authorization));
        var client = ClientPartition.Of(http.Connection.RemoteIpAddress);
        if (limited && Limiter.IsLockedOut(client, out var retryAfter))
        {
            http.Items[LockedOutItem] = retryAfter;
            return false;
        }

        if (!string.IsNullOrEmpty(_options.ApiKey)
            && http.Request.Headers.TryGetValue(ApiKeyHeader, out var key)
            && key.Count == 1
            && SecretComparer.FixedTimeEquals(key[0], _options.ApiKey))
        {
            return true;
        }

        if (!string.IsNullOrEmpty(_options.Username) && !string.IsNullOrEmpty(_options.Password))
        {
            if (TryReadBasic(http.Request, out var user, out var password)
                && SecretComparer.FixedTimeEquals(user, _options.Username) & SecretComparer.FixedTimeEquals(password, _options.Password))
            {
                return true;
            }

            // Let a browser ask for the credentials.
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"VectorIndexer jobs\", charset=\"UTF-8\"";
        }

        if (limited)
        {
            var failure = Limiter.RecordFailure(client);
            Log.DashboardCredentialsRefused(_logger, client, (http.Request.PathBase + http.Request.Path).Value ?? "/", failure.Failures, Limiter.PermitLimit);
            if (failure.LockOutStarted)
            {
                Log.DashboardLockedOut(_logger, client, failure.Failures, RetryAfterSeconds(failure.RetryAfter));
            }
        }

        return false;
    }

    /// <summary>Whole seconds for a <c>Retry-After</c> header: at least 1.</summary>
    internal static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static bool IsLocal(ConnectionInfo connection)
    {
        var remote = connection.RemoteIpAddress;
        if (remote is null)
        {
            // In-process requests (a test server) carry no address.
            return connection.LocalIpAddress is null;
        }

        return IPAddress.IsLoopback(remote) || remote.Equals(connection.LocalIpAddress);
    }

    private static bool TryReadBasic(HttpRequest request, out string user, out string password)
    {
        user = password = string.Empty;
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[512];
        if (!Convert.TryFromBase64String(header[Scheme.Length..].Trim(), buffer, out var written))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(buffer[..written]);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        user = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }
}
