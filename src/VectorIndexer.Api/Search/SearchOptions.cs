using System.ComponentModel.DataAnnotations;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Api.Search;

/// <summary>Settings of the search endpoints (section <c>Search</c>).</summary>
public sealed class SearchOptions : IValidatableObject
{
    public const string SectionName = "Search";

    /// <summary>How many recent query vectors to keep, so a repeated query skips the model; 0 disables the cache.</summary>
    [Range(0, 1_000_000)]
    public int QueryCacheSize { get; set; } = 1024;

    /// <summary>
    /// Most queries of concurrent requests embedded together in one model call; a query that finds
    /// the model free runs at once (no wait timer). 1 disables batching.
    /// </summary>
    [Range(1, 256)]
    public int QueryBatchSize { get; set; } = 16;

    /// <summary>
    /// Most padded tokens (queries × longest query) in one model call of a query batch; longer
    /// queries are cut into further calls, a query longer than this runs alone.
    /// </summary>
    [Range(8, 1_048_576)]
    public int QueryBatchMaxTokens { get; set; } = 1024;

    /// <summary>
    /// The search mode when a request names none: hybrid, the best measured (docs/benchmarks.md,
    /// "Search quality"); dense or lexical otherwise.
    /// </summary>
    [EnumDataType(typeof(SearchMode))]
    public SearchMode Mode { get; set; } = SearchMode.Hybrid;

    /// <summary>Hybrid: how the lists are merged: rrf (weighted reciprocal rank fusion) or dbsf (distribution-based score fusion, unweighted).</summary>
    [EnumDataType(typeof(FusionMethod))]
    public FusionMethod FusionMethod { get; set; } = FusionSettings.Default.Method;

    /// <summary>Hybrid: the RRF rank constant k.</summary>
    [Range(0, FusionSettings.MaxK)]
    public int FusionK { get; set; } = FusionSettings.Default.K;

    /// <summary>Hybrid: weight of the dense list.</summary>
    [Range(0.01, FusionSettings.MaxWeight)]
    public float DenseWeight { get; set; } = FusionSettings.Default.DenseWeight;

    /// <summary>Hybrid: weight of the full-text lexical list.</summary>
    [Range(0.01, FusionSettings.MaxWeight)]
    public float LexicalWeight { get; set; } = FusionSettings.Default.LexicalWeight;

    /// <summary>Hybrid: weight of the name-fields lexical list; 0 leaves it out.</summary>
    [Range(0.0, FusionSettings.MaxWeight)]
    public float NameWeight { get; set; } = FusionSettings.Default.NameWeight;

    /// <summary>Hybrid: hits each list contributes to the fusion (at least offset + k).</summary>
    [Range(1, FusionSettings.MaxDepth)]
    public int FusionDepth { get; set; } = FusionSettings.Default.Depth;

    /// <summary>Facets and sorting: the relevant set is the first this many hits of the query (filters applied); facets count it, a sort re-orders it.</summary>
    [Range(10, 1_000)]
    public int FacetDepth { get; set; } = 200;

    /// <summary>Category suggestion: the nearest products that vote (10 was best at level 1 top-3 and near best top-1 on ESCI-SRW, leave-one-out).</summary>
    [Range(1, 100)]
    public int CategoriseK { get; set; } = 10;

    /// <summary>Category suggestion: full paths below this share of the vote are left out.</summary>
    [Range(0.0, 1.0)]
    public double CategoriseMinConfidence { get; set; } = 0.1;

    /// <summary>The fusion settings these options describe.</summary>
    public FusionSettings Fusion => new(FusionK, DenseWeight, LexicalWeight, FusionDepth, NameWeight, FusionMethod);

    /// <summary>DBSF takes no weights (Qdrant's has none): the weights must keep their defaults.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FusionMethod == FusionMethod.Dbsf && (DenseWeight != 1 || LexicalWeight != 1 || NameWeight is not (0 or 1)))
        {
            yield return new ValidationResult(
                "Search:FusionMethod dbsf is unweighted: Search:DenseWeight and Search:LexicalWeight must be 1 and Search:NameWeight 0 or 1.",
                [nameof(FusionMethod), nameof(DenseWeight), nameof(LexicalWeight), nameof(NameWeight)]);
        }
    }
}
