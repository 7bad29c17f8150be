namespace VectorIndexer.Catalog;

/// <summary>How a feed is read and validated.</summary>
public sealed class FeedReaderOptions
{
    /// <summary>The longest product id accepted, in characters.</summary>
    public const int MaxIdLength = 128;

    /// <summary>The format; null tells it from the file extension.</summary>
    public FeedFormat? Format { get; init; }

    /// <summary>
    /// The largest record accepted, in bytes (4 MiB by default). Bounds memory on a corrupt feed
    /// (a line with no end, a CSV quote never closed); a longer record is rejected and skipped.
    /// </summary>
    public int MaxRecordBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The longest title accepted, in characters.</summary>
    public int MaxTitleLength { get; init; } = 1000;

    /// <summary>How many rejections the <see cref="FeedReport"/> keeps in full (the rest are only counted).</summary>
    public int MaxReportedRejections { get; init; } = FeedReport.DefaultMaxKeptRejections;

    /// <summary>
    /// Whether to mark repeated ids (<see cref="FeedProduct.IsDuplicate"/>); costs a set of the ids seen.
    /// </summary>
    public bool DetectDuplicates { get; init; } = true;

    /// <summary>The CSV field separator, an ASCII character other than a quote or a line break.</summary>
    public char CsvDelimiter { get; init; } = ',';

    internal void Validate()
    {
        if (MaxRecordBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRecordBytes), MaxRecordBytes, "MaxRecordBytes must be at least 1024.");
        }

        if (MaxTitleLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTitleLength), MaxTitleLength, "MaxTitleLength must be positive.");
        }

        if (MaxReportedRejections < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxReportedRejections), MaxReportedRejections, "MaxReportedRejections cannot be negative.");
        }

        if (CsvDelimiter is '"' or '\r' or '\n' || CsvDelimiter > 127)
        {
            throw new ArgumentOutOfRangeException(nameof(CsvDelimiter), CsvDelimiter, "CsvDelimiter must be an ASCII character other than a quote or a line break.");
        }
    }
}
