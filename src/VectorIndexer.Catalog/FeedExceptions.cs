namespace VectorIndexer.Catalog;

/// <summary>
/// A feed cannot be read at all: unknown format, unsupported encoding, a malformed CSV header, or a header that lacks
/// a column the mapping requires. Bad records never throw; they are reported as <see cref="FeedRejection"/>.
/// </summary>
public sealed class FeedFormatException : Exception
{
    public FeedFormatException()
    {
    }

    public FeedFormatException(string message)
        : base(message)
    {
    }

    public FeedFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FeedFormatException(string message, string? source)
        : base(message)
    {
        FeedSource = source;
    }

    /// <summary>The path (or name) of the feed, where known.</summary>
    public string? FeedSource { get; }
}

/// <summary>A field mapping is invalid; the message lists every problem found.</summary>
public sealed class FeedMappingException : Exception
{
    public FeedMappingException()
    {
    }

    public FeedMappingException(string message)
        : base(message)
    {
    }

    public FeedMappingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
