namespace VectorIndexer.Evaluation;

/// <summary>The scores of one query.</summary>
/// <param name="Query">The query.</param>
/// <param name="NdcgAt10">nDCG@10.</param>
/// <param name="ReciprocalRankAt10">1 / rank of the first top-grade product within 10, else 0.</param>
/// <param name="RecallAt100">Share of the top-grade products within 100; null when the query has none judged.</param>
/// <param name="Judged">Judged products of the query.</param>
/// <param name="TopGradeJudged">Judged products of the top grade.</param>
/// <param name="FirstTopGradeRank">Rank of the first top-grade product within 100, or null.</param>
/// <param name="TopProductId">The product ranked first, or null when nothing was found.</param>
public sealed record QueryEvaluation(
    EvaluationQuery Query,
    double NdcgAt10,
    double ReciprocalRankAt10,
    double? RecallAt100,
    int Judged,
    int TopGradeJudged,
    int? FirstTopGradeRank,
    string? TopProductId);

/// <summary>Scores of every evaluated query and their means.</summary>
public sealed record EvaluationSummary(IReadOnlyList<QueryEvaluation> Queries, double TopGrade)
{
    /// <summary>Queries scored.</summary>
    public int QueryCount => Queries.Count;

    /// <summary>Mean nDCG@10.</summary>
    public double NdcgAt10 => Queries.Count == 0 ? 0 : Queries.Average(q => q.NdcgAt10);

    /// <summary>Mean reciprocal rank at 10 (MRR@10).</summary>
    public double MrrAt10 => Queries.Count == 0 ? 0 : Queries.Average(q => q.ReciprocalRankAt10);

    /// <summary>Mean Recall@100 over the queries that have a top-grade judgement.</summary>
    public double RecallAt100 => Queries.Where(q => q.RecallAt100 is not null).Select(q => q.RecallAt100!.Value).DefaultIfEmpty(0).Average();
}

/// <summary>Scores rankings against judgements.</summary>
public static class RelevanceEvaluator
{
    /// <summary>Cut-off of nDCG and MRR.</summary>
    public const int TopK = 10;

    /// <summary>Cut-off of recall, and how many products each query retrieves.</summary>
    public const int RecallK = 100;

    /// <summary>
    /// Scores each query that has at least one judgement (queries without any cannot be scored and are left out),
    /// in the order given, with its ranking (best first; a missing ranking counts as empty).
    /// </summary>
    public static EvaluationSummary Evaluate(
        IReadOnlyList<EvaluationQuery> queries,
        RelevanceJudgements judgements,
        IReadOnlyDictionary<string, IReadOnlyList<string>> rankings)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(judgements);
        ArgumentNullException.ThrowIfNull(rankings);
        var grade = judgements.TopGrade;
        var results = new List<QueryEvaluation>(queries.Count);
        foreach (var query in queries)
        {
            var judged = judgements.For(query.Id);
            if (judged.Count == 0)
            {
                continue;
            }

            var ranking = rankings.GetValueOrDefault(query.Id) ?? [];
            results.Add(new QueryEvaluation(
                query,
                RelevanceMetrics.NdcgAt(ranking, judged, TopK),
                RelevanceMetrics.ReciprocalRankAt(ranking, judged, grade, TopK),
                RelevanceMetrics.RecallAt(ranking, judged, grade, RecallK),
                judged.Count,
                judged.Count(j => j.Value >= grade),
                RelevanceMetrics.FirstRankOf(ranking, judged, grade, RecallK),
                ranking.Count > 0 ? ranking[0] : null));
        }

        return new EvaluationSummary(results, grade);
    }
}
