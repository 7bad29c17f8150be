using VectorIndexer.Core.Indexing;

namespace VectorIndexer.App.StartupIndexing;

/// <summary>What this process's indexing jobs did since it started.</summary>
public sealed class IndexingCounters
{
    private long _productsEmbedded;

    /// <summary>Products the worker ran through the model (new or changed text); reused vectors are not counted.</summary>
    public long ProductsEmbedded => Interlocked.Read(ref _productsEmbedded);

    internal void AddEmbedded(int count) => Interlocked.Add(ref _productsEmbedded, count);
}

/// <summary>Counts the products the worker embeds, in front of the real embedder.</summary>
internal sealed class CountingProductEmbedder(IProductEmbedder inner, IndexingCounters counters) : IProductEmbedder
{
    public IndexModel Model => inner.Model;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var vectors = await inner.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
        counters.AddEmbedded(texts.Count);
        return vectors;
    }
}
