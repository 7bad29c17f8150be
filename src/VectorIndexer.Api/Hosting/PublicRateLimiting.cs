using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Security;

namespace VectorIndexer.Api.Hosting;

/// <summary>
/// The rate limit of the public read endpoints: a fixed window per client (<see cref="ClientPartition"/>) from
/// <c>Api:RateLimit</c>, answered over the limit with 429 ProblemDetails and <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// The client address is the connection's. Behind a reverse proxy, the host must apply the
/// forwarded-headers middleware with the proxy's address as a known proxy (never trust
/// <c>X-Forwarded-For</c> from anyone), or every client shares the proxy's partition.
/// </remarks>
internal static class PublicRateLimiting
{
    /// <summary>The rate-limiting policy of the public read endpoints.</summary>
    public const string PolicyName = "VectorIndexer.PublicApi";

    public static void Configure(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(PolicyName, Partition);
        options.OnRejected = OnRejectedAsync;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RateLimit;
        if (!settings.IsEnabled)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        return RateLimitPartition.GetFixedWindowLimiter(ClientPartition.Of(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = settings.Window,
            QueueLimit = settings.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var settings = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RateLimit;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : settings.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = string.Create(CultureInfo.InvariantCulture, $"This client may make {settings.PermitLimit} requests every {settings.Window.TotalSeconds:0.###} seconds; retry after {seconds} seconds."),
            },
        }).ConfigureAwait(false);
    }
}
