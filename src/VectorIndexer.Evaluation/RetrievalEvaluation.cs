using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Evaluation;

/// <summary>Embeds texts (documents or queries, as the delegate decides); one vector per text, in order.</summary>
public delegate Task<float[][]> EmbedTexts(IReadOnlyList<string> texts, CancellationToken cancellationToken);

/// <summary>How far the catalogue is embedded.</summary>
/// <param name="Done">Products done (embedded or taken from the cache).</param>
/// <param name="Total">Products in the catalogue.</param>
/// <param name="Embedded">Of those done, embedded by the model.</param>
/// <param name="FromCache">Of those done, taken from the cache.</param>
public readonly record struct CatalogueProgress(int Done, int Total, int Embedded, int FromCache);

/// <summary>
/// Retrieval for evaluation, the way the service searches: each product's composed text
/// (<see cref="ProductTextComposer"/>) embedded as a document and stored in an <see cref="IProductIndex"/>
/// (which also builds its lexical index from the product's fields); each query embedded as a query
/// and searched against the whole catalogue, densely, lexically or both fused (<see cref="SearchMode"/>).
/// </summary>
public sealed class RetrievalEvaluation
{
    private readonly IProductIndex _index;
    private readonly IndexModel _model;
    private readonly EmbedTexts _embedDocuments;
    private readonly EmbedTexts _embedQueries;
    private readonly ProductTextComposer _composer;
    private readonly EmbeddingCache? _cache;

    public RetrievalEvaluation(IProductIndex index, IndexModel model, EmbedTexts embedDocuments, EmbedTexts embedQueries, ProductTextComposer composer, EmbeddingCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embedDocuments);
        ArgumentNullException.ThrowIfNull(embedQueries);
        ArgumentNullException.ThrowIfNull(composer);
        if (cache is not null && cache.Dimensions != model.Dimensions)
        {
            throw new ArgumentException($"The cache holds vectors of {cache.Dimensions} dimensions; the model has {model.Dimensions}.", nameof(cache));
        }

        _index = index;
        _model = model;
        _embedDocuments = embedDocuments;
        _embedQueries = embedQueries;
        _composer = composer;
        _cache = cache;
    }

    /// <summary>Products embedded per model call and upserted per index call.</summary>
    public int ChunkSize { get; init; } = 256;

    /// <summary>
    /// Embeds every product (vectors found in the cache are reused) into a new generation of the index and makes it
    /// live. The cache is saved at the end, and also when the run fails or is cancelled, so work done is kept.
    /// </summary>
    public async Task<CatalogueProgress> IndexAsync(IReadOnlyList<Product> products, IProgress<CatalogueProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(products);
        var generation = await _index.CreateGenerationAsync(_model, cancellationToken);
        var state = new CatalogueProgress(0, products.Count, 0, 0);
        progress?.Report(state);
        try
        {
            foreach (var chunk in products.Chunk(Math.Max(1, ChunkSize)))
            {
                var texts = chunk.Select(_composer.Compose).ToArray();
                var hashes = texts.Select(ProductTextComposer.ContentHash).ToArray();
                var vectors = new float[chunk.Length][];
                var missing = new List<int>();
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (_cache is not null && _cache.TryGet(hashes[i], out var cached))
                    {
                        vectors[i] = cached;
                    }
                    else
                    {
                        missing.Add(i);
                    }
                }

                if (missing.Count > 0)
                {
                    var embedded = await _embedDocuments(missing.Select(i => texts[i]).ToArray(), cancellationToken);
                    if (embedded.Length != missing.Count)
                    {
                        throw new InvalidOperationException($"The embedder returned {embedded.Length} vectors for {missing.Count} texts.");
                    }

                    for (var j = 0; j < missing.Count; j++)
                    {
                        vectors[missing[j]] = embedded[j];
                        _cache?.Set(hashes[missing[j]], embedded[j]);
                    }
                }

                var records = chunk.Select((product, i) => new IndexRecord(product, vectors[i], hashes[i])).ToArray();
                await _index.UpsertAsync(generation.Name, records, cancellationToken);
                state = state with
                {
                    Done = state.Done + chunk.Length,
                    Embedded = state.Embedded + missing.Count,
                    FromCache = state.FromCache + chunk.Length - missing.Count,
                };
                progress?.Report(state);
            }
        }
        finally
        {
            if (_cache is { IsDirty: true })
            {
                await _cache.SaveAsync(CancellationToken.None);
            }
        }

        await _index.ActivateGenerationAsync(generation.Name, cancellationToken);
        return state;
    }

    /// <summary>
    /// Embeds each query (not in lexical mode) and searches the live generation in
    /// <paramref name="mode"/>; the product ids found, best first, per query id.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RankAsync(
        IReadOnlyList<EvaluationQuery> queries,
        int limit = RelevanceEvaluator.RecallK,
        SearchMode mode = SearchMode.Dense,
        FusionSettings? fusion = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var rankings = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var searches = await PrepareAsync(queries, limit, mode, fusion, cancellationToken);
        for (var i = 0; i < queries.Count; i++)
        {
            var hits = (await _index.SearchAsync(null, searches[i], cancellationToken)).Hits;
            rankings[queries[i].Id] = hits.Select(h => h.Product.Id).ToArray();
        }

        return rankings;
    }

    /// <summary>
    /// Times the index search alone (query vectors computed beforehand, as a warm query cache
    /// would have them): every query <paramref name="rounds"/> times, after one untimed round.
    /// Milliseconds per search, in the order run.
    /// </summary>
    public async Task<double[]> TimeSearchesAsync(
        IReadOnlyList<EvaluationQuery> queries,
        int limit,
        SearchMode mode,
        FusionSettings? fusion,
        int rounds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var searches = await PrepareAsync(queries, limit, mode, fusion, cancellationToken);
        foreach (var search in searches)
        {
            await _index.SearchAsync(null, search, cancellationToken);
        }

        var times = new double[searches.Length * rounds];
        var n = 0;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var search in searches)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await _index.SearchAsync(null, search, cancellationToken);
                times[n++] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        return times;
    }

    private async Task<ProductQuery[]> PrepareAsync(IReadOnlyList<EvaluationQuery> queries, int limit, SearchMode mode, FusionSettings? fusion, CancellationToken cancellationToken)
    {
        if (queries.Count == 0)
        {
            return [];
        }

        var vectors = mode == SearchMode.Lexical
            ? queries.Select(_ => Array.Empty<float>()).ToArray()
            : await _embedQueries(queries.Select(q => q.Text).ToArray(), cancellationToken);
        if (vectors.Length != queries.Count)
        {
            throw new InvalidOperationException($"The embedder returned {vectors.Length} vectors for {queries.Count} queries.");
        }

        return [.. queries.Select((q, i) => new ProductQuery(vectors[i], Limit: limit) { Mode = mode, Text = q.Text, Fusion = fusion ?? FusionSettings.Default })];
    }
}
