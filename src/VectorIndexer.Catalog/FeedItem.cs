using VectorIndexer.Core;

namespace VectorIndexer.Catalog;

/// <summary>One record of a feed: a <see cref="FeedProduct"/> or a <see cref="FeedRejection"/>.</summary>
/// <param name="LineNumber">The physical line (1-based) where the record starts.</param>
public abstract record FeedItem(long LineNumber);

/// <summary>A valid record, mapped onto the product model.</summary>
/// <param name="LineNumber">The physical line (1-based) where the record starts.</param>
/// <param name="Product">The product.</param>
/// <param name="IsDuplicate">
/// An earlier valid record of this feed had the same id; this one replaces it (the last occurrence wins).
/// </param>
public sealed record FeedProduct(long LineNumber, Product Product, bool IsDuplicate = false) : FeedItem(LineNumber);

/// <summary>A record that was skipped, and why.</summary>
/// <param name="LineNumber">The physical line (1-based) where the record starts.</param>
/// <param name="Kind">What kind of problem it has.</param>
/// <param name="Reason">A sentence a person can act on.</param>
/// <param name="Field">The offending field as the feed names it, where there is one.</param>
public sealed record FeedRejection(long LineNumber, FeedRejectionKind Kind, string Reason, string? Field = null) : FeedItem(LineNumber);

/// <summary>Why a record was rejected.</summary>
public enum FeedRejectionKind
{
    /// <summary>A JSON Lines line is not valid JSON, or not a JSON object.</summary>
    InvalidJson,

    /// <summary>A CSV row breaks RFC 4180 (a quote inside an unquoted field, text after a closing quote).</summary>
    MalformedCsv,

    /// <summary>A quoted CSV field is never closed.</summary>
    UnterminatedQuote,

    /// <summary>A CSV row has more or fewer fields than the header.</summary>
    WrongColumnCount,

    /// <summary>The record is not valid UTF-8.</summary>
    InvalidEncoding,

    /// <summary>The record is longer than <see cref="FeedReaderOptions.MaxRecordBytes"/>.</summary>
    RecordTooLarge,

    /// <summary>A required field (id, title) is missing or blank.</summary>
    MissingRequiredField,

    /// <summary>A field is longer than allowed (id over 128 characters, an overlong title).</summary>
    FieldTooLong,

    /// <summary>A field has the wrong type (price "abc", inStock "maybe", an object where text belongs).</summary>
    WrongType,

    /// <summary>A number is outside its range (negative price, rating outside 0 to 5, negative rating count).</summary>
    OutOfRange,

    /// <summary>A value is well-typed but unusable (control characters in an id, a currency that is not an ISO 4217 code, an image that is not an http(s) URL).</summary>
    InvalidValue,
}
