using System.Net;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
public sealed class WorkerDashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    /// <summary>The header that carries the dashboard key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly IHostEnvironment _environment;
    private readonly WorkerDashboardOptions _options;

    public WorkerDashboardAuthorizationFilter(IHostEnvironment environment, IOptions<WorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        _options = options.Value.Dashboard;
    }

    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        if (_environment.IsDevelopment() && IsLocal(http.Connection))
        {
            return true;
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

        return false;
    }

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
