using VectorIndexer.Core;

namespace VectorIndexer.Worker.Feeds;

/// <summary>
/// One item of a catalogue feed, in file order: either a product that passed validation or a
/// rejected record, each with the line (or row) it came from.
/// </summary>
public sealed record CatalogFeedItem
{
    private CatalogFeedItem(long lineNumber, Product? product, string? rejection)
    {
        LineNumber = lineNumber;
        Product = product;
        Rejection = rejection;
    }

    /// <summary>1-based line (JSONL) or row (CSV) of the record.</summary>
    public long LineNumber { get; }

    /// <summary>The product, or null when the record was rejected.</summary>
    public Product? Product { get; }

    /// <summary>Why the record was rejected, in words a person can act on; null when accepted.</summary>
    public string? Rejection { get; }

    public static CatalogFeedItem Accepted(long lineNumber, Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new CatalogFeedItem(lineNumber, product, null);
    }

    public static CatalogFeedItem Rejected(long lineNumber, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new CatalogFeedItem(lineNumber, null, reason);
    }
}

/// <summary>
/// Reads a catalogue feed as a stream of items. The worker depends only on this; the host adapts
/// the catalogue reader to it. Reading the same location twice yields the same items in the same
/// order (a resumed reindex skips the items it has already indexed by position).
/// </summary>
public interface ICatalogFeedSource
{
    /// <summary>Streams the feed at <paramref name="location"/>, applying the field mapping <paramref name="mapping"/> (null: the default).</summary>
    /// <exception cref="FileNotFoundException">The feed does not exist.</exception>
    IAsyncEnumerable<CatalogFeedItem> ReadAsync(string location, string? mapping, CancellationToken cancellationToken);

    /// <summary>How many records the feed holds, when that is cheap to know (for the ETA); null otherwise.</summary>
    Task<long?> CountAsync(string location, string? mapping, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    /// <summary>
    /// A cheap token that changes whenever the feed read with <paramref name="mapping"/> may yield other
    /// items (for a file: its size and last write time, and the mapping); null when the source cannot
    /// tell, so a reindex is never skipped as "nothing changed".
    /// </summary>
    Task<string?> GetVersionAsync(string location, string? mapping, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
