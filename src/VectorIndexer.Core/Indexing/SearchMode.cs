namespace VectorIndexer.Core.Indexing;

/// <summary>How a search finds products.</summary>
public enum SearchMode
{
    /// <summary>Cosine similarity of the query's embedding (<see cref="VectorQuery.Vector"/>).</summary>
    Dense,

    /// <summary>BM25F over the query's terms (<see cref="VectorQuery.Text"/>); the vector is not used.</summary>
    Lexical,

    /// <summary>Both, each narrowed by the filter, fused by weighted reciprocal rank fusion (<see cref="FusionSettings"/>).</summary>
    Hybrid,
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
public sealed record FusionSettings(int K = 60, float DenseWeight = 1, float LexicalWeight = 1, int Depth = 100, float NameWeight = 1)
{
    public const int MaxK = 1_000;
    public const int MaxDepth = 1_000;
    public const float MaxWeight = 100;

    public static FusionSettings Default { get; } = new();

    /// <summary>The RRF contribution of a hit at <paramref name="rank"/> (from 1) in a list of weight <paramref name="weight"/>.</summary>
    public double Contribution(int rank, float weight) => 1.0 / (K + (rank / (double)weight));

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
    }
}
