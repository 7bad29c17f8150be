using Microsoft.Extensions.Options;
using VectorIndexer.Core.Security;

namespace VectorIndexer.Api;

/// <summary>
/// Settings of the API's write side and its protections (configuration section <c>Api</c>); checked
/// at start by <see cref="ApiOptionsValidator"/>.
/// </summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>The shortest API key accepted.</summary>
    public const int MinApiKeyLength = 16;

    /// <summary>
    /// The key the write, reindex and job endpoints require in the <c>X-Api-Key</c> header; at least
    /// 16 characters. Null or empty: those endpoints are closed (403). Set it from the environment
    /// (<c>Api__ApiKey</c>), never in a file; it is never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Most products in one <c>POST /api/products</c>.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Largest request body accepted, in bytes (Kestrel's limit too); a larger one gets 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The rate limit of the public read endpoints (search, products, similar).</summary>
    public ApiRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>
    /// The limit on wrong API keys (<c>Api:FailedKeyAttempts</c>): after <c>PermitLimit</c> wrong keys
    /// within <c>Window</c> a client gets 429 on the key-protected endpoints until the window ends.
    /// </summary>
    public FailedAttemptOptions FailedKeyAttempts { get; set; } = new();

    /// <summary>Which browser origins may call the public read endpoints.</summary>
    public ApiCorsOptions Cors { get; set; } = new();

    /// <summary>
    /// Feeds a client may name in <c>POST /api/reindex?feed=&lt;name&gt;</c>, by name. Clients name a
    /// feed, never a path: only what is configured here (or the default,
    /// <c>Worker:RecurringReindex:FeedLocation</c>) is ever read.
    /// </summary>
    public Dictionary<string, ApiFeedOptions> Feeds { get; set; } = [];

    /// <summary>Whether a usable key is configured.</summary>
    public bool HasApiKey => !string.IsNullOrEmpty(ApiKey);
}

/// <summary>
/// A fixed-window limit per client IP address (IPv6 clients by /64 network) on the public read
/// endpoints (<c>Api:RateLimit</c>). Health endpoints are never limited.
/// </summary>
public sealed class ApiRateLimitOptions
{
    /// <summary>Requests a client may make per <see cref="Window"/>; 0 turns the limit off.</summary>
    public int PermitLimit { get; set; } = 100;

    /// <summary>The length of a window.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests over the limit held back until the next window instead of rejected.</summary>
    public int QueueLimit { get; set; }

    public bool IsEnabled => PermitLimit > 0;
}

/// <summary>Cross-origin access to the public read endpoints (<c>Api:Cors</c>).</summary>
public sealed class ApiCorsOptions
{
    /// <summary>
    /// Origins (<c>https://shop.example.com</c>) whose pages may call search and product lookups;
    /// <c>*</c> allows any. None by default. The write endpoints are never opened to browsers.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>A feed a client may name for a reindex (<c>Api:Feeds:&lt;name&gt;</c>).</summary>
public sealed class ApiFeedOptions
{
    /// <summary>The feed's location as the worker reads it (a path on the worker's machine).</summary>
    public string? Location { get; set; }

    /// <summary>The field mapping (built-in name, <c>Catalog:Mappings</c> name or mapping file); null: the default.</summary>
    public string? Mapping { get; set; }
}

/// <summary>Checks <see cref="ApiOptions"/> at start, naming the setting at fault (never its value).</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public const long MaxBodyBytesLimit = 1L << 30;
    public const int MaxBatchSizeLimit = 100_000;

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.HasApiKey && (options.ApiKey!.Length < ApiOptions.MinApiKeyLength || string.IsNullOrWhiteSpace(options.ApiKey)))
        {
            failures.Add($"Api:ApiKey must be at least {ApiOptions.MinApiKeyLength} characters (or unset, which closes the write endpoints).");
        }

        if (options.MaxBatchSize is < 1 or > MaxBatchSizeLimit)
        {
            failures.Add($"Api:MaxBatchSize must be between 1 and {MaxBatchSizeLimit}.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > MaxBodyBytesLimit)
        {
            failures.Add($"Api:MaxRequestBodyBytes must be between 1024 and {MaxBodyBytesLimit}.");
        }

        var rate = options.RateLimit;
        if (rate.PermitLimit is < 0 or > 1_000_000)
        {
            failures.Add("Api:RateLimit:PermitLimit must be between 0 (off) and 1000000.");
        }

        if (rate.Window < TimeSpan.FromMilliseconds(100) || rate.Window > TimeSpan.FromDays(1))
        {
            failures.Add("Api:RateLimit:Window must be between 00:00:00.1 and 1.00:00:00.");
        }

        if (rate.QueueLimit is < 0 or > 10_000)
        {
            failures.Add("Api:RateLimit:QueueLimit must be between 0 and 10000.");
        }

        failures.AddRange(options.FailedKeyAttempts.Validate("Api:FailedKeyAttempts"));

        foreach (var origin in options.Cors.AllowedOrigins)
        {
            if (!IsOrigin(origin))
            {
                failures.Add($"Api:Cors:AllowedOrigins holds '{origin}', which is not an origin (scheme://host[:port], or *).");
            }
        }

        foreach (var (feed, settings) in options.Feeds)
        {
            if (string.IsNullOrWhiteSpace(settings?.Location))
            {
                failures.Add($"Api:Feeds:{feed}:Location is required.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string? origin) =>
        origin == "*"
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.GetLeftPart(UriPartial.Authority).Equals(origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
}
