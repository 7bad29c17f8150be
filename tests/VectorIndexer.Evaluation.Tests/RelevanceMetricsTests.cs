namespace VectorIndexer.Evaluation.Tests;

public sealed class RelevanceMetricsTests
{
    private const double Tolerance = 1e-9;

    // Judged for one query: a = 3, b = 2, c = 1, d = 0, e = 3 (e is never retrieved).
    private static readonly Dictionary<string, double> Judged = new(StringComparer.Ordinal)
    {
        ["a"] = 3, ["b"] = 2, ["c"] = 1, ["d"] = 0, ["e"] = 3,
    };

    [Fact]
    public void Dcg_UsesGainLinearlyWithLog2Discount()
    {
        // 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261859507 + 0.5
        Assert.Equal(3 + (2 / Math.Log2(3)) + 0.5, RelevanceMetrics.Dcg([3, 2, 1], 10), Tolerance);
        Assert.Equal(4.761859507142915, RelevanceMetrics.Dcg([3, 2, 1], 10), Tolerance);
    }

    [Fact]
    public void Dcg_StopsAtK()
    {
        Assert.Equal(3 + (2 / Math.Log2(3)), RelevanceMetrics.Dcg([3, 2, 1, 3], 2), Tolerance);
    }

    [Fact]
    public void Ndcg_WithUnjudgedAndMissingProducts_MatchesHandComputedValue()
    {
        // Ranking: x (unjudged, 0), b (2), a (3), d (0).
        // DCG  = 0/1 + 2/log2(3) + 3/log2(4) + 0 = 1.261859507 + 1.5 = 2.761859507
        // IDCG = 3/1 + 3/log2(3) + 2/log2(4) + 1/log2(5) + 0 = 3 + 1.892789261 + 1 + 0.430676558 = 6.323465819
        // nDCG = 2.761859507 / 6.323465819 = 0.436764
        var expected = ((2 / Math.Log2(3)) + 1.5) / (3 + (3 / Math.Log2(3)) + 1 + (1 / Math.Log2(5)));
        var ndcg = RelevanceMetrics.NdcgAt(["x", "b", "a", "d"], Judged, 10);
        Assert.Equal(expected, ndcg, Tolerance);
        Assert.Equal(0.436764, ndcg, 6);
    }

    [Fact]
    public void Ndcg_OfTheIdealRanking_IsOne()
    {
        Assert.Equal(1.0, RelevanceMetrics.NdcgAt(["a", "e", "b", "c", "d"], Judged, 10), Tolerance);
        Assert.Equal(1.0, RelevanceMetrics.NdcgAt(["e", "a", "b", "c"], Judged, 10), Tolerance);
    }

    [Fact]
    public void Ndcg_IdealIsCutAtKToo()
    {
        // k = 1: ideal = 3 (one of the two 3s); ranking b first gives 2 / 3.
        Assert.Equal(2.0 / 3.0, RelevanceMetrics.NdcgAt(["b", "a"], Judged, 1), Tolerance);
    }

    [Fact]
    public void Ndcg_WithNoPositiveJudgement_IsZero()
    {
        var onlyIrrelevant = new Dictionary<string, double> { ["d"] = 0 };
        Assert.Equal(0.0, RelevanceMetrics.NdcgAt(["d"], onlyIrrelevant, 10));
    }

    [Fact]
    public void ReciprocalRank_CountsOnlyTheTopGrade()
    {
        // b (2) and c (1) are relevant but not top grade; a (3) is at rank 3.
        Assert.Equal(1.0 / 3, RelevanceMetrics.ReciprocalRankAt(["b", "c", "a"], Judged, 3, 10), Tolerance);
        Assert.Equal(1.0, RelevanceMetrics.ReciprocalRankAt(["e"], Judged, 3, 10), Tolerance);
    }

    [Fact]
    public void ReciprocalRank_BeyondK_IsZero()
    {
        string[] ranking = ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "a"];
        Assert.Equal(0.0, RelevanceMetrics.ReciprocalRankAt(ranking, Judged, 3, 10));
        Assert.Equal(11, RelevanceMetrics.FirstRankOf(ranking, Judged, 3, 100));
    }

    [Fact]
    public void Recall_IsTheShareOfTopGradeProductsFound()
    {
        Assert.Equal(0.5, RelevanceMetrics.RecallAt(["b", "a", "x"], Judged, 3, 100));
        Assert.Equal(1.0, RelevanceMetrics.RecallAt(["e", "a"], Judged, 3, 100));
        Assert.Equal(0.5, RelevanceMetrics.RecallAt(["a", "e"], Judged, 3, 1));
    }

    [Fact]
    public void Recall_WithoutTopGradeJudgements_IsUndefined()
    {
        Assert.Null(RelevanceMetrics.RecallAt(["b"], new Dictionary<string, double> { ["b"] = 2 }, 3, 100));
    }

    [Fact]
    public void Evaluate_AveragesPerQueryScores()
    {
        var judgements = new RelevanceJudgements(new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["q1"] = new Dictionary<string, double> { ["a"] = 3, ["b"] = 1 },
            ["q2"] = new Dictionary<string, double> { ["c"] = 3, ["d"] = 2 },
            ["q3"] = new Dictionary<string, double> { ["e"] = 1 },
        });
        EvaluationQuery[] queries = [new("q1", "one"), new("q2", "two"), new("q3", "three"), new("q4", "unjudged")];
        var rankings = new Dictionary<string, IReadOnlyList<string>>
        {
            ["q1"] = ["a", "b"],      // ideal: nDCG 1, RR 1, recall 1
            ["q2"] = ["d", "x", "c"], // DCG = 2 + 3/2 = 3.5; IDCG = 3 + 2/log2(3); RR = 1/3; recall 1
            ["q3"] = ["z"],           // nDCG 0, RR 0, recall undefined (no grade-3 judgement)
        };

        var summary = RelevanceEvaluator.Evaluate(queries, judgements, rankings);

        Assert.Equal(3.0, summary.TopGrade);
        Assert.Equal(["q1", "q2", "q3"], summary.Queries.Select(q => q.Query.Id));
        var q2Ndcg = 3.5 / (3 + (2 / Math.Log2(3)));
        Assert.Equal(q2Ndcg, summary.Queries[1].NdcgAt10, Tolerance);
        Assert.Equal((1 + q2Ndcg + 0) / 3, summary.NdcgAt10, Tolerance);
        Assert.Equal((1 + (1.0 / 3) + 0) / 3, summary.MrrAt10, Tolerance);
        Assert.Equal(1.0, summary.RecallAt100, Tolerance);
        Assert.Null(summary.Queries[2].RecallAt100);
        Assert.Equal(3, summary.Queries[1].FirstTopGradeRank);
        Assert.Equal("d", summary.Queries[1].TopProductId);
    }

    [Fact]
    public async Task Csv_QuotesTextAndLeavesUndefinedRecallEmpty()
    {
        var summary = new EvaluationSummary(
            [new QueryEvaluation(new EvaluationQuery("7", "tv, 55\" inch"), 0.5, 1, null, 2, 0, null, "B1")],
            3);
        using var writer = new StringWriter();

        await EvaluationCsv.WriteAsync(summary, writer, TestContext.Current.CancellationToken);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(EvaluationCsv.Header, lines[0]);
        Assert.Equal("7,\"tv, 55\"\" inch\",0.5,1,,2,0,,B1", lines[1]);
    }
}
