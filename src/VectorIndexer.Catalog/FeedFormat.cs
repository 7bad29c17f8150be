namespace VectorIndexer.Catalog;

/// <summary>The file formats a catalogue feed can have.</summary>
public enum FeedFormat
{
    /// <summary>One JSON object a line (JSON Lines, NDJSON).</summary>
    JsonLines,

    /// <summary>Comma-separated values with a header row (RFC 4180).</summary>
    Csv,
}

/// <summary>Tells a feed's format from its file name.</summary>
public static class FeedFormats
{
    /// <summary>
    /// The format of the feed at <paramref name="path"/>, by extension: <c>.jsonl</c>, <c>.ndjson</c> and
    /// <c>.jsonlines</c> are JSON Lines, <c>.csv</c> is CSV.
    /// </summary>
    /// <exception cref="FeedFormatException">The extension names no known feed format.</exception>
    public static FeedFormat Detect(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return TryDetect(path, out var format)
            ? format
            : throw new FeedFormatException(
                $"Cannot tell the format of catalogue feed '{path}' from its extension '{Path.GetExtension(path)}': " +
                "use .jsonl, .ndjson or .csv, or name the format explicitly (FeedReaderOptions.Format).",
                path);
    }

    /// <summary>Like <see cref="Detect"/>, without throwing.</summary>
    public static bool TryDetect(string path, out FeedFormat format)
    {
        ArgumentNullException.ThrowIfNull(path);
        switch (Path.GetExtension(path).ToUpperInvariant())
        {
            case ".JSONL" or ".NDJSON" or ".JSONLINES":
                format = FeedFormat.JsonLines;
                return true;
            case ".CSV":
                format = FeedFormat.Csv;
                return true;
            default:
                format = default;
                return false;
        }
    }
}
