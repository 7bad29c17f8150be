using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using VectorIndexer.Core.Lexical;
using VectorIndexer.Core.Validation;

namespace VectorIndexer.Index.Qdrant;

/// <summary>Settings of the Qdrant product index (configuration section <c>Index:Qdrant</c>).</summary>
public sealed partial class QdrantIndexOptions : IValidatableObject
{
    public const string SectionName = "Index:Qdrant";

    /// <summary>The gRPC endpoint (port 6334, not the REST port 6333).</summary>
    [Required]
    public Uri Endpoint { get; set; } = new("http://localhost:6334");

    /// <summary>
    /// Qdrant's API key. Set it through configuration or the environment
    /// (<c>Index__Qdrant__ApiKey</c>), never in a committed file; it is never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Talk TLS even when <see cref="Endpoint"/> says <c>http</c> (an <c>https</c> endpoint always does).</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// SHA-256 thumbprint (hex) of the server's certificate, to trust a self-signed one; the
    /// certificate chain is not checked then, only this thumbprint. Needs TLS.
    /// </summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>
    /// Names of this index's collections (<c>&lt;prefix&gt;-&lt;yyyyMMddHHmmss&gt;-&lt;id&gt;</c>) and
    /// of its live alias (<c>&lt;prefix&gt;-live</c>). Lower-case letters, digits, '-' and '_'.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9_-]{0,62}$", ErrorMessage = "Index:Qdrant:CollectionPrefix must be 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit.")]
    public string CollectionPrefix { get; set; } = "products";

    /// <summary>Product attributes to index as keyword fields (<c>attributes.&lt;name&gt;</c> in filters).</summary>
    public IList<string> FilterableAttributes { get; } = [];

    /// <summary>
    /// Lexical (BM25F) settings (<c>Index:Qdrant:Lexical</c>): how products and queries become the
    /// sparse vectors <c>lexical</c> and <c>lexical-name</c>. Recorded in the metadata of each new
    /// collection; products and queries are always encoded with the current settings, so change
    /// them together with a full reindex.
    /// </summary>
    public LexicalOptions Lexical { get; set; } = new();

    /// <summary>Points per upsert request.</summary>
    [Range(1, 10_000)]
    public int UpsertBatchSize { get; set; } = 256;

    /// <summary>Deadline of one gRPC call.</summary>
    [TimeSpanRange("00:00:01", "00:30:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a call that failed transiently (unavailable, deadline exceeded, resources exhausted).</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>Wait before the first retry; doubled for each further one, with jitter.</summary>
    [TimeSpanRange("00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one wait between retries.</summary>
    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the connection is encrypted.</summary>
    public bool TlsEnabled => UseTls || string.Equals(Endpoint?.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);

    /// <summary>The address the gRPC channel dials: <see cref="Endpoint"/>, with <c>https</c> when TLS is on.</summary>
    public Uri ChannelAddress => TlsEnabled && Endpoint.Scheme != Uri.UriSchemeHttps
        ? new UriBuilder(Endpoint) { Scheme = Uri.UriSchemeHttps, Port = Endpoint.Port }.Uri
        : Endpoint;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Lexical is null)
        {
            yield return new ValidationResult("Index:Qdrant:Lexical is missing.", [nameof(Lexical)]);
        }
        else
        {
            foreach (var error in Lexical.Validate("Index:Qdrant:Lexical"))
            {
                yield return new ValidationResult(error, [nameof(Lexical)]);
            }
        }

        if (Endpoint is { } endpoint
            && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult(
                $"Index:Qdrant:Endpoint must be an absolute http:// or https:// address of Qdrant's gRPC port (e.g. http://localhost:6334); got '{endpoint}'.",
                [nameof(Endpoint)]);
        }

        if (!string.IsNullOrEmpty(CertificateThumbprint))
        {
            if (!TlsEnabled)
            {
                yield return new ValidationResult(
                    "Index:Qdrant:CertificateThumbprint needs TLS: use an https:// endpoint or set Index:Qdrant:UseTls.",
                    [nameof(CertificateThumbprint)]);
            }

            if (!ThumbprintPattern().IsMatch(CertificateThumbprint))
            {
                yield return new ValidationResult(
                    "Index:Qdrant:CertificateThumbprint must be the certificate's SHA-256 thumbprint: 64 hexadecimal digits (':' or '-' between pairs allowed).",
                    [nameof(CertificateThumbprint)]);
            }
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult(
                "Index:Qdrant:RetryMaxDelay must not be below Index:Qdrant:RetryBaseDelay.",
                [nameof(RetryMaxDelay)]);
        }

        foreach (var attribute in FilterableAttributes)
        {
            if (attribute is null || !AttributePattern().IsMatch(attribute))
            {
                yield return new ValidationResult(
                    $"Index:Qdrant:FilterableAttributes: '{attribute}' is not a usable attribute name (letters, digits, '_' and '-', up to 64).",
                    [nameof(FilterableAttributes)]);
            }
        }
    }

    /// <summary>Throws <see cref="ValidationException"/> naming the first bad setting (for use without the options pipeline).</summary>
    public void ThrowIfInvalid()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ValidationException(string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AttributePattern();

    [GeneratedRegex("^([0-9A-Fa-f]{2}[:-]?){31}[0-9A-Fa-f]{2}$")]
    private static partial Regex ThumbprintPattern();
}
