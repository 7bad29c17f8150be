using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Worker;

/// <summary>What one call of <see cref="ProductIndexer.IndexAsync(string?, IReadOnlyList{Product}, CancellationToken)"/> did.</summary>
/// <param name="Upserted">Records written.</param>
/// <param name="Embedded">Products whose text changed (or that were new) and were embedded.</param>
/// <param name="Reused">Products whose text was unchanged: the stored vector was kept, only the payload written.</param>
public sealed record IndexBatchResult(int Upserted, int Embedded, int Reused);

/// <summary>Progress of a long indexing run.</summary>
/// <param name="Processed">Records handled so far (indexed or rejected).</param>
/// <param name="Total">Records in all, when known.</param>
/// <param name="RatePerSecond">Records per second over this run.</param>
/// <param name="Eta">Time left at that rate, when the total is known.</param>
public sealed record IndexingProgress(long Processed, long? Total, double RatePerSecond, TimeSpan? Eta)
{
    /// <summary>Progress after <paramref name="processedThisRun"/> records in <paramref name="elapsed"/>, <paramref name="processed"/> in all.</summary>
    public static IndexingProgress Compute(long processed, long processedThisRun, long? total, TimeSpan elapsed)
    {
        var rate = elapsed > TimeSpan.Zero ? processedThisRun / elapsed.TotalSeconds : 0;
        TimeSpan? eta = total is { } t && rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, t - processed) / rate) : null;
        return new IndexingProgress(processed, total, rate, eta);
    }
}

/// <summary>
/// Embeds products and upserts them into a generation. Products whose composed text has the
/// content hash already stored are not embedded again: their stored vector is reused and only the
/// payload is written. Thread-safe.
/// </summary>
public sealed class ProductIndexer
{
    private readonly IProductEmbedder _embedder;
    private readonly ProductTextComposer _composer;
    private readonly IProductIndex _index;
    private readonly ILogger _logger;

    public ProductIndexer(IProductEmbedder embedder, ProductTextComposer composer, IProductIndex index, IOptions<WorkerOptions> options, ILogger<ProductIndexer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(composer);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(options);
        _embedder = embedder;
        _composer = composer;
        _index = index;
        BatchSize = options.Value.BatchSize;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Products embedded and upserted together.</summary>
    public int BatchSize { get; }

    /// <summary>The embedding model (what new generations are created for).</summary>
    public IndexModel Model => _embedder.Model;

    /// <summary>The text a product is embedded from; empty means there is nothing to embed.</summary>
    public string Compose(Product product) => _composer.Compose(product);

    /// <summary>
    /// Indexes <paramref name="products"/> into <paramref name="generation"/> (null: the live one), in
    /// batches of <see cref="BatchSize"/>. A product id listed twice keeps its last version.
    /// </summary>
    /// <exception cref="ArgumentException">A product has no text to embed, or the vectors do not fit the generation.</exception>
    public Task<IndexBatchResult> IndexAsync(string? generation, IReadOnlyList<Product> products, CancellationToken cancellationToken) =>
        IndexAsync(generation, reuseFrom: generation, products, cancellationToken);

    /// <summary>
    /// Like <see cref="IndexAsync(string?, IReadOnlyList{Product}, CancellationToken)"/>, but takes
    /// the vectors of unchanged products from <paramref name="reuseFrom"/>, e.g. the live generation
    /// while a rebuild fills a new one, so a full reindex re-embeds only what changed.
    /// </summary>
    public async Task<IndexBatchResult> IndexAsync(string? generation, string? reuseFrom, IReadOnlyList<Product> products, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(products);
        var latest = new Dictionary<string, Product>(StringComparer.Ordinal);
        foreach (var product in products)
        {
            latest[product.Id] = product;
        }

        var unique = latest.Values.ToList();
        int upserted = 0, embedded = 0, reused = 0;
        for (var start = 0; start < unique.Count; start += BatchSize)
        {
            var chunk = unique.GetRange(start, Math.Min(BatchSize, unique.Count - start));
            var result = await IndexChunkAsync(generation, reuseFrom, chunk, cancellationToken);
            upserted += result.Upserted;
            embedded += result.Embedded;
            reused += result.Reused;
        }

        return new IndexBatchResult(upserted, embedded, reused);
    }

    private async Task<IndexBatchResult> IndexChunkAsync(string? generation, string? reuseFrom, List<Product> products, CancellationToken cancellationToken)
    {
        var texts = new string[products.Count];
        var hashes = new string[products.Count];
        for (var i = 0; i < products.Count; i++)
        {
            texts[i] = _composer.Compose(products[i]);
            if (texts[i].Length == 0)
            {
                throw new ArgumentException($"Product '{products[i].Id}' has no text to embed (its title is empty).", nameof(products));
            }

            hashes[i] = ProductTextComposer.ContentHash(texts[i]);
        }

        var stored = await _index.GetContentHashesAsync(reuseFrom, products.ConvertAll(p => p.Id), cancellationToken);
        var records = new IndexRecord?[products.Count];
        var toEmbed = new List<int>();
        for (var i = 0; i < products.Count; i++)
        {
            if (stored.TryGetValue(products[i].Id, out var hash) && string.Equals(hash, hashes[i], StringComparison.Ordinal)
                && await _index.GetAsync(reuseFrom, products[i].Id, cancellationToken) is { } existing)
            {
                records[i] = new IndexRecord(products[i], existing.Vector, hashes[i]);
            }
            else
            {
                toEmbed.Add(i);
            }
        }

        if (toEmbed.Count > 0)
        {
            var vectors = await _embedder.EmbedAsync(toEmbed.ConvertAll(i => texts[i]), cancellationToken);
            for (var j = 0; j < toEmbed.Count; j++)
            {
                var i = toEmbed[j];
                records[i] = new IndexRecord(products[i], vectors[j], hashes[i]);
            }
        }

        var list = new IndexRecord[records.Length];
        for (var i = 0; i < records.Length; i++)
        {
            list[i] = records[i] ?? throw new UnreachableException();
        }

        await _index.UpsertAsync(generation, list, cancellationToken);
        Log.BatchIndexed(_logger, list.Length, generation ?? "(live)", toEmbed.Count, list.Length - toEmbed.Count);
        return new IndexBatchResult(list.Length, toEmbed.Count, list.Length - toEmbed.Count);
    }
}
