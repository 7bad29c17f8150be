namespace VectorIndexer.Evaluation;

/// <summary>
/// Ranking metrics over graded judgements. Ranks are 1-based; a product without a judgement has gain 0.
/// <list type="bullet">
/// <item><description>DCG@k = Σ_{i=1..k} gain(dᵢ) / log₂(i + 1), the gain used linearly (not 2^gain − 1).</description></item>
/// <item><description>nDCG@k = DCG@k / IDCG@k, where IDCG@k is the DCG@k of all judged products of the query sorted by gain, highest first (products judged but absent from the catalogue included); 0 when IDCG@k is 0.</description></item>
/// <item><description>RR@k = 1 / rank of the first product of the top grade within the first k, else 0; MRR@k is its mean.</description></item>
/// <item><description>Recall@k = top-grade products within the first k / top-grade products judged; undefined (null) when none is judged.</description></item>
/// </list>
/// </summary>
public static class RelevanceMetrics
{
    /// <summary>DCG of the first <paramref name="k"/> gains, in rank order.</summary>
    public static double Dcg(IEnumerable<double> gainsInRankOrder, int k)
    {
        ArgumentNullException.ThrowIfNull(gainsInRankOrder);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var dcg = 0.0;
        var rank = 0;
        foreach (var gain in gainsInRankOrder)
        {
            if (++rank > k)
            {
                break;
            }

            dcg += gain / Math.Log2(rank + 1);
        }

        return dcg;
    }

    /// <summary>nDCG@k of a ranking against the judged gains of its query.</summary>
    public static double NdcgAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, double> judged, int k)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(judged);
        var ideal = Dcg(judged.Values.OrderByDescending(g => g), k);
        return ideal > 0 ? Dcg(ranking.Select(id => judged.GetValueOrDefault(id)), k) / ideal : 0;
    }

    /// <summary>1-based rank of the first product whose gain is <paramref name="grade"/> or more within the first k, or null.</summary>
    public static int? FirstRankOf(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, double> judged, double grade, int k)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(judged);
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            if (judged.TryGetValue(ranking[i], out var gain) && gain >= grade)
            {
                return i + 1;
            }
        }

        return null;
    }

    /// <summary>Reciprocal rank of the first product of the grade within the first k; 0 when there is none.</summary>
    public static double ReciprocalRankAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, double> judged, double grade, int k) =>
        FirstRankOf(ranking, judged, grade, k) is { } rank ? 1.0 / rank : 0;

    /// <summary>Share of the judged products of the grade found within the first k; null when none is judged.</summary>
    public static double? RecallAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, double> judged, double grade, int k)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(judged);
        var relevant = judged.Where(j => j.Value >= grade).Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
        if (relevant.Count == 0)
        {
            return null;
        }

        var found = ranking.Take(k).Distinct(StringComparer.Ordinal).Count(relevant.Contains);
        return (double)found / relevant.Count;
    }
}
