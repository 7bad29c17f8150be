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

    /// <summary>
    /// Reads the nDCG@10 of each query back from a file <see cref="WriteAsync"/> wrote (a saved run, as
    /// a baseline to compare with).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not such a CSV; the message names the line.</exception>
    public static async Task<IReadOnlyDictionary<string, double>> ReadNdcgAsync(string path, CancellationToken cancellationToken = default) =>
        (await ReadScoresAsync(path, cancellationToken)).ToDictionary(s => s.Key, s => s.Value.Ndcg, StringComparer.Ordinal);

    /// <summary>Reads each query's text and nDCG@10 back from a file <see cref="WriteAsync"/> wrote, by query id.</summary>
    /// <exception cref="InvalidDataException">The file is not such a CSV; the message names the line.</exception>
    public static async Task<IReadOnlyDictionary<string, (string Query, double Ndcg)>> ReadScoresAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var scores = new Dictionary<string, (string Query, double Ndcg)>(StringComparer.Ordinal);
        using var reader = new StreamReader(path);
        var header = await reader.ReadLineAsync(cancellationToken);
        if (header != Header)
        {
            throw new InvalidDataException($"{path}: line 1 is not the header of a per-query results file ({Header}).");
        }

        var line = 1;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var fields = Split(text);
            if (fields.Count != 9 || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var ndcg))
            {
                throw new InvalidDataException($"{path}: line {line} does not hold 9 fields with a number as nDCG@10.");
            }

            scores[fields[0]] = (fields[1], ndcg);
        }

        return scores;
    }

    /// <summary>The fields of one CSV line (RFC 4180 quoting; no line breaks inside fields, as written here).</summary>
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
