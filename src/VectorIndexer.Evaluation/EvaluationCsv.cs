using System.Globalization;

namespace VectorIndexer.Evaluation;

/// <summary>Writes per-query results as CSV (RFC 4180 quoting, invariant culture).</summary>
public static class EvaluationCsv
{
    public const string Header = "query_id,query,ndcg@10,rr@10,recall@100,judged,top_grade_judged,first_top_grade_rank,top_product";

    public static async Task WriteAsync(EvaluationSummary summary, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteLineAsync(Header.AsMemory(), cancellationToken);
        foreach (var q in summary.Queries)
        {
            var fields = new[]
            {
                Quote(q.Query.Id),
                Quote(q.Query.Text),
                Number(q.NdcgAt10),
                Number(q.ReciprocalRankAt10),
                q.RecallAt100 is { } recall ? Number(recall) : string.Empty,
                q.Judged.ToString(CultureInfo.InvariantCulture),
                q.TopGradeJudged.ToString(CultureInfo.InvariantCulture),
                q.FirstTopGradeRank?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                Quote(q.TopProductId ?? string.Empty),
            };
            await writer.WriteLineAsync(string.Join(',', fields).AsMemory(), cancellationToken);
        }
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
