namespace VectorIndexer.Core.Indexing;

/// <summary>How a search finds products.</summary>
public enum SearchMode
{
    /// <summary>Cosine similarity of the query's embedding (<see cref="ProductQuery.Vector"/>).</summary>
    Dense,

    /// <summary>BM25F over the query's terms (<see cref="ProductQuery.Text"/>); the vector is not used.</summary>
    Lexical,

    /// <summary>Both, each narrowed by the filter, fused as <see cref="FusionSettings"/> says (weighted RRF by default).</summary>
    Hybrid,
}

/// <summary>How hybrid search merges its ranked lists.</summary>
public enum FusionMethod
{
    /// <summary>Weighted reciprocal rank fusion: only the ranks count.</summary>
    Rrf,

    /// <summary>
    /// Distribution-based score fusion, as Qdrant computes it: each list's scores are mapped to [0, 1] by
    /// (score − (μ − 3σ)) / 6σ over that list's hits (sample σ; 0.5 when a list has one hit or σ is 0),
    /// and a product scores the sum over the lists it is in. Unweighted (Qdrant's DBSF takes no weights).
    /// </summary>
    Dbsf,
}

/// <summary>
/// Weighted reciprocal rank fusion, as Qdrant (1.17 and later) computes it: the dense search,
/// the lexical search over the full text and (when <see cref="NameWeight"/> is above 0) the
/// lexical search over the name fields (<see cref="Lexical.LexicalOptions.NameFields"/>) each return
/// their best <see cref="Depth"/> products (at least offset + limit), and a product scores
/// Σ 1 / (k + rank / weight) over the lists it is in, rank counted from 1.
/// With weights of 1 this is the classic RRF of Cormack et al. (k = 60 there). Qdrant counts
/// positions from 0 and writes the same formula as 1 / (k' + (position + 1) / weight − 1), so
/// its k' is <see cref="K"/> + 1.
/// </summary>
/// <param name="K">The rank constant, 0 to 1,000: small values let the top ranks dominate.</param>
/// <param name="DenseWeight">Weight of the dense list, above 0 (a rank counts as rank / weight).</param>
/// <param name="LexicalWeight">Weight of the lexical list, above 0.</param>
/// <param name="Depth">How many hits each list contributes, 1 to 1,000.</param>
/// <param name="NameWeight">Weight of the name-fields lexical list; 0 leaves that list out.</param>
/// <param name="Method">RRF (the default) or DBSF; with DBSF, <paramref name="K"/> is not used and the weights must be 1 (name weight 0 or 1).</param>
public sealed record FusionSettings(int K = 60, float DenseWeight = 1, float LexicalWeight = 1, int Depth = 100, float NameWeight = 1, FusionMethod Method = FusionMethod.Rrf)
{
    public const int MaxK = 1_000;
    public const int MaxDepth = 1_000;
    public const float MaxWeight = 100;

    public static FusionSettings Default { get; } = new();

    /// <summary>The RRF contribution of a hit at <paramref name="rank"/> (from 1) in a list of weight <paramref name="weight"/>.</summary>
    public double Contribution(int rank, float weight) => 1.0 / (K + (rank / (double)weight));

    /// <summary>
    /// DBSF's bounds of one list's scores: μ ∓ 3σ with the sample standard deviation, as Qdrant computes them;
    /// null when the list has fewer than two hits or all its scores are equal (each hit then counts 0.5).
    /// </summary>
    public static (double Low, double High)? DistributionBounds(ReadOnlySpan<float> scores)
    {
        if (scores.Length < 2)
        {
            return null;
        }

        double mean = 0, aggregate = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var delta = scores[i] - mean;
            mean += delta / (i + 1);
            aggregate += delta * (scores[i] - mean);
        }

        var deviation = Math.Sqrt(aggregate / (scores.Length - 1));
        return deviation > 0 ? (mean - (3 * deviation), mean + (3 * deviation)) : null;
    }

    /// <summary>DBSF's contribution of a hit with <paramref name="score"/> in a list with <paramref name="bounds"/>.</summary>
    public static double Normalized(float score, (double Low, double High)? bounds) =>
        bounds is { } b ? (score - b.Low) / (b.High - b.Low) : 0.5;

    /// <summary>How many hits each list must return for a page ending at <paramref name="end"/> (offset + limit).</summary>
    public int EffectiveDepth(int end) => Math.Max(Depth, end);

    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void ThrowIfInvalid()
    {
        if (K is < 0 or > MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(K), K, $"The fusion constant k must be between 0 and {MaxK}.");
        }

        if (!(DenseWeight is > 0 and <= MaxWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(DenseWeight), DenseWeight, $"The dense weight must be above 0 and at most {MaxWeight}.");
        }

        if (!(LexicalWeight is > 0 and <= MaxWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(LexicalWeight), LexicalWeight, $"The lexical weight must be above 0 and at most {MaxWeight}.");
        }

        if (!(NameWeight is >= 0 and <= MaxWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(NameWeight), NameWeight, $"The name weight must be between 0 and {MaxWeight}.");
        }

        if (Depth is < 1 or > MaxDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(Depth), Depth, $"The fusion depth must be between 1 and {MaxDepth}.");
        }

        if (!Enum.IsDefined(Method))
        {
            throw new ArgumentOutOfRangeException(nameof(Method), Method, "The fusion method must be rrf or dbsf.");
        }

        if (Method == FusionMethod.Dbsf && (DenseWeight != 1 || LexicalWeight != 1 || NameWeight is not (0 or 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(Method), Method, "DBSF fusion is unweighted (as in Qdrant): the dense and lexical weights must be 1 and the name weight 0 or 1.");
        }
    }
}
