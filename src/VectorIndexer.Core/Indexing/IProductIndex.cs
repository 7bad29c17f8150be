using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Core.Indexing;

/// <summary>A product with its vector, as stored in the index.</summary>
/// <param name="Product">The product; its payload fields are what filters see.</param>
/// <param name="Vector">The embedding; its length is the index's dimensions.</param>
/// <param name="ContentHash">Hash of the embedded text (<see cref="ProductTextComposer.ContentHash"/>): equal hashes mean the vector need not be recomputed.</param>
public sealed record IndexRecord(Product Product, float[] Vector, string ContentHash);

/// <summary>A product found by a search, with its score (higher is closer): cosine similarity, BM25F score or fused RRF score, by the search's mode.</summary>
public sealed record SearchHit(Product Product, float Score);

/// <summary>
/// A search of one generation. The input is one of: a query vector (dense), the query text (lexical),
/// both (hybrid), or <see cref="SimilarTo"/>, a stored product whose own vector is the query (the
/// product itself never comes back). Filter, paging and threshold apply to every input.
/// </summary>
/// <param name="Vector">The query vector; ignored (may be null or empty) in <see cref="SearchMode.Lexical"/> mode and with <see cref="SimilarTo"/>.</param>
/// <param name="Filter">Payload condition; null matches everything. In hybrid mode it narrows both halves.</param>
/// <param name="Limit">How many hits (k), at least 1.</param>
/// <param name="Offset">Hits to skip, for paging.</param>
/// <param name="ScoreThreshold">Leave out hits scoring below this: the cosine in dense mode and for <see cref="SimilarTo"/>, the BM25F score in lexical mode, the fused RRF score in hybrid mode.</param>
public sealed record ProductQuery(float[]? Vector, ProductFilter? Filter = null, int Limit = 10, int Offset = 0, float? ScoreThreshold = null)
{
    /// <summary>How to search; dense unless set.</summary>
    public SearchMode Mode { get; init; } = SearchMode.Dense;

    /// <summary>The query's text, required in lexical and hybrid mode (analysed with the generation's lexical settings).</summary>
    public string? Text { get; init; }

    /// <summary>How hybrid mode fuses the two lists.</summary>
    public FusionSettings Fusion { get; init; } = FusionSettings.Default;

    /// <summary>A stored product whose vector is the query ("more like this"); its absence gives no hits. Dense mode only.</summary>
    public string? SimilarTo { get; init; }

    /// <summary>
    /// Products like the stored <see cref="RecommendInput.Positive"/> ones and unlike the
    /// <see cref="RecommendInput.Negative"/> ones (none of them among the hits); an unknown id fails
    /// with <see cref="UnknownProductsException"/>. Dense mode only.
    /// </summary>
    public RecommendInput? Recommend { get; init; }

    /// <summary>A recommendation query: products like <paramref name="positive"/>, unlike <paramref name="negative"/>.</summary>
    public static ProductQuery Recommendation(IReadOnlyList<string> positive, IReadOnlyList<string>? negative = null, RecommendStrategy strategy = RecommendStrategy.Average, ProductFilter? filter = null, int limit = 10, int offset = 0) =>
        new(null, filter, limit, offset) { Recommend = new RecommendInput(positive, negative ?? [], strategy) };

    /// <summary>Products nearest to the stored product <paramref name="productId"/>, itself left out.</summary>
    public static ProductQuery Similar(string productId, ProductFilter? filter = null, int limit = 10, int offset = 0) =>
        new(null, filter, limit, offset) { SimilarTo = productId };

    /// <summary>Checks what the input needs (a vector for dense and hybrid, a text for lexical and hybrid, valid fusion settings); the index checks the vector against the generation.</summary>
    /// <exception cref="ArgumentException">Something the input needs is missing, two inputs are given, or a setting is out of range.</exception>
    public void ThrowIfIncomplete()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"Unknown search mode {(int)Mode}.", nameof(Mode));
        }

        if (Recommend is not null)
        {
            if (SimilarTo is not null || Mode != SearchMode.Dense || Text is not null || Vector is { Length: > 0 })
            {
                throw new ArgumentException("A recommendation takes no similar-to product, vector, text or mode of its own.", nameof(Recommend));
            }

            Recommend.ThrowIfInvalid();
            return;
        }

        if (SimilarTo is not null)
        {
            if (Mode != SearchMode.Dense || Text is not null || Vector is { Length: > 0 })
            {
                throw new ArgumentException("A search similar to a stored product takes no vector, text or mode of its own.", nameof(SimilarTo));
            }

            return;
        }

        if (Mode != SearchMode.Lexical && Vector is null)
        {
            throw new ArgumentException($"A {Mode.ToString().ToLowerInvariant()} search needs a query vector.", nameof(Vector));
        }

        if (Mode != SearchMode.Dense && string.IsNullOrWhiteSpace(Text))
        {
            throw new ArgumentException($"A {Mode.ToString().ToLowerInvariant()} search needs the query text.", nameof(Text));
        }

        ArgumentNullException.ThrowIfNull(Fusion, nameof(Fusion));
        Fusion.ThrowIfInvalid();
    }
}

/// <summary>What a search found: the hits, best first.</summary>
/// <param name="Hits">The page of hits asked for.</param>
public sealed record SearchResult(IReadOnlyList<SearchHit> Hits)
{
    /// <summary>Facet counts over the relevant set, when a faceted search asked for them (<see cref="FacetedSearch"/>).</summary>
    public SearchFacets? Facets { get; init; }

    /// <summary>The size of the relevant set a faceted search counted and sorted (its depth at most); null for a plain search.</summary>
    public int? Total { get; init; }

    /// <summary>No hits.</summary>
    public static SearchResult Empty { get; } = new([]);
}

/// <summary>What a generation holds vectors of.</summary>
/// <param name="Name">The embedding model's name.</param>
/// <param name="Dimensions">Vector length.</param>
public sealed record IndexModel(string Name, int Dimensions);

/// <summary>A generation: one complete copy of the index, built, then made live.</summary>
public sealed record IndexGeneration(string Name, IndexModel Model, DateTimeOffset CreatedAt, bool IsLive);

/// <summary>
/// The generations of the product index. Data lives in generations; exactly one is live at a time
/// and serves searches. A rebuild fills a new generation and switches the live pointer atomically,
/// so searches never see a half-built index.
/// </summary>
public interface IIndexGenerations
{
    /// <summary>All generations, the live one marked.</summary>
    Task<IReadOnlyList<IndexGeneration>> ListGenerationsAsync(CancellationToken cancellationToken = default);

    /// <summary>The live generation, or null before the first switch.</summary>
    Task<IndexGeneration?> GetLiveGenerationAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates an empty generation for vectors of <paramref name="model"/> (cosine distance).</summary>
    Task<IndexGeneration> CreateGenerationAsync(IndexModel model, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="generation"/> live in one atomic step; searches switch over with no gap.</summary>
    Task ActivateGenerationAsync(string generation, CancellationToken cancellationToken = default);

    /// <summary>Deletes a generation that is not live.</summary>
    /// <exception cref="InvalidOperationException">It is live.</exception>
    Task DropGenerationAsync(string generation, CancellationToken cancellationToken = default);
}

/// <summary>The records of a generation (a name, or null for the live one): products with their vectors.</summary>
public interface IProductStore
{
    /// <summary>Inserts or replaces records by product id; idempotent. Returns once durable.</summary>
    /// <exception cref="ArgumentException">A vector's length differs from the generation's dimensions.</exception>
    Task UpsertAsync(string? generation, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Deletes records by product id; unknown ids are ignored.</summary>
    Task DeleteAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default);

    /// <summary>The record of a product, or null.</summary>
    Task<IndexRecord?> GetAsync(string? generation, string productId, CancellationToken cancellationToken = default);

    /// <summary>Content hashes of the given products that are present (for skipping unchanged ones).</summary>
    Task<IReadOnlyDictionary<string, string>> GetContentHashesAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default);

    /// <summary>Records matching the filter (all when null).</summary>
    Task<long> CountAsync(string? generation, ProductFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every record of the generation, streamed in pages (memory bounded by a page, not the
    /// generation). Each record present from the start to the end of the scan comes exactly once;
    /// one written or deleted meanwhile may or may not.
    /// </summary>
    IAsyncEnumerable<IndexRecord> ScanAsync(string? generation, CancellationToken cancellationToken = default);
}

/// <summary>Searches of a generation (a name, or null for the live one).</summary>
public interface IProductSearch
{
    /// <summary>
    /// Best products for the query, best first, ties broken by product id: nearest to the vector
    /// (dense) or to a stored product (<see cref="ProductQuery.SimilarTo"/>; none when it is
    /// unknown), best BM25F match of the text (lexical; products without a query term are not
    /// found), or both fused by weighted RRF (hybrid). The filter narrows every half.
    /// </summary>
    Task<SearchResult> SearchAsync(string? generation, ProductQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// The product index: generations, their records, and search over them. Implementations: the
/// embedded store (default) and Qdrant; one class serves all three parts, and one contract test
/// suite runs against both. Hosts register it under each part too, for code that needs only one.
/// Its neighbours export (<see cref="IProductNeighbours"/>) is the similarity graph of a generation.
/// </summary>
public interface IProductIndex : IIndexGenerations, IProductStore, IProductSearch, IProductNeighbours;

/// <summary>No generation is live yet, or the named one does not exist.</summary>
public sealed class GenerationNotFoundException : Exception
{
    public GenerationNotFoundException(string message)
        : base(message)
    {
    }

    public GenerationNotFoundException()
    {
    }

    public GenerationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>How a recommendation scores candidates against its examples (as Qdrant's recommend strategies).</summary>
public enum RecommendStrategy
{
    /// <summary>One query vector, avg(positive) + (avg(positive) − avg(negative)) (avg(positive) without negatives), searched by cosine: Qdrant's average_vector.</summary>
    Average,

    /// <summary>
    /// Each candidate is scored by its best positive and its best negative cosine: when the positive
    /// is higher, s(best positive), otherwise −s(best negative), with s(x) = (x / (1 + |x|) + 1) / 2;
    /// so anything nearer a negative than every positive ranks below everything nearer a positive.
    /// Qdrant's best_score.
    /// </summary>
    BestScore,
}

/// <summary>The examples of a recommendation: stored product ids.</summary>
/// <param name="Positive">Products to find more like (at least one).</param>
/// <param name="Negative">Products to move away from.</param>
/// <param name="Strategy">How candidates are scored against the examples.</param>
public sealed record RecommendInput(IReadOnlyList<string> Positive, IReadOnlyList<string> Negative, RecommendStrategy Strategy = RecommendStrategy.Average)
{
    /// <summary>The most example ids one recommendation takes, positive and negative together.</summary>
    public const int MaxExamples = 50;

    /// <summary>Every example id, positives first.</summary>
    public IEnumerable<string> All => Positive.Concat(Negative);

    /// <exception cref="ArgumentException">No positive, a blank id, more than <see cref="MaxExamples"/> ids, or an unknown strategy.</exception>
    public void ThrowIfInvalid()
    {
        ArgumentNullException.ThrowIfNull(Positive, nameof(Positive));
        ArgumentNullException.ThrowIfNull(Negative, nameof(Negative));
        if (Positive.Count == 0)
        {
            throw new ArgumentException("A recommendation needs at least one positive product.", nameof(Positive));
        }

        if (Positive.Count + Negative.Count > MaxExamples)
        {
            throw new ArgumentException($"A recommendation takes at most {MaxExamples} products, positive and negative together, not {Positive.Count + Negative.Count}.", nameof(Positive));
        }

        if (All.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A recommendation's product ids must not be empty.", nameof(Positive));
        }

        if (!Enum.IsDefined(Strategy))
        {
            throw new ArgumentException($"Unknown recommend strategy {(int)Strategy}.", nameof(Strategy));
        }
    }
}

/// <summary>Products a query names are not in the generation.</summary>
public sealed class UnknownProductsException : Exception
{
    public UnknownProductsException(IReadOnlyList<string> productIds)
        : base($"No product with id {string.Join(", ", productIds.Select(id => $"'{id}'"))} in the index.") => ProductIds = productIds;

    public UnknownProductsException()
        : this([])
    {
    }

    public UnknownProductsException(string message)
        : base(message) => ProductIds = [];

    public UnknownProductsException(string message, Exception innerException)
        : base(message, innerException) => ProductIds = [];

    /// <summary>The ids not found, in the order given.</summary>
    public IReadOnlyList<string> ProductIds { get; }
}
