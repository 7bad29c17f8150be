namespace VectorIndexer.Evaluation;

/// <summary>Graded judgements: for each query, the gain of every judged product. Unjudged products have gain 0.</summary>
public sealed class RelevanceJudgements
{
    private static readonly IReadOnlyDictionary<string, double> None = new Dictionary<string, double>();

    public RelevanceJudgements(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> byQuery)
    {
        ArgumentNullException.ThrowIfNull(byQuery);
        ByQuery = byQuery;
        TopGrade = byQuery.Values.SelectMany(j => j.Values).DefaultIfEmpty(0).Max();
    }

    /// <summary>Query id to (product id to gain).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ByQuery { get; }

    /// <summary>
    /// The highest gain anywhere in the judgements (3 = Exact in ESCI): MRR and recall count products of this grade.
    /// Zero when there are no judgements.
    /// </summary>
    public double TopGrade { get; }

    /// <summary>The judged products of a query (empty when it has none).</summary>
    public IReadOnlyDictionary<string, double> For(string queryId) => ByQuery.GetValueOrDefault(queryId, None);
}
