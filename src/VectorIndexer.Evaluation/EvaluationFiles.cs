using System.Globalization;

namespace VectorIndexer.Evaluation;

/// <summary>A search query of the evaluation set.</summary>
public sealed record EvaluationQuery(string Id, string Text);

/// <summary>Column names of a queries file.</summary>
public sealed record QueryColumns(string Id = "query_id", string Text = "query");

/// <summary>Column names of a judgements (qrels) file.</summary>
public sealed record JudgementColumns(string QueryId = "query_id", string ProductId = "asin", string Gain = "gain");

/// <summary>Reads the evaluation set: queries and graded judgements, as tab-separated files with a header.</summary>
public static class EvaluationFiles
{
    /// <summary>Reads queries (one per row, in file order).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A column is missing, a field is empty, or a query id repeats; the message names the line.</exception>
    public static async Task<IReadOnlyList<EvaluationQuery>> ReadQueriesAsync(string path, QueryColumns? columns = null, CancellationToken cancellationToken = default)
    {
        columns ??= new QueryColumns();
        var table = await TsvTable.ReadAsync(path, "queries", cancellationToken);
        var id = table.Column(columns.Id, "query id column");
        var text = table.Column(columns.Text, "query text column");
        var queries = new List<EvaluationQuery>(table.Rows.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var query = new EvaluationQuery(table.Field(row, id), table.Field(row, text));
            if (!seen.Add(query.Id))
            {
                throw new InvalidDataException($"{table.Location(row.LineNumber)}: query id '{query.Id}' appears twice.");
            }

            queries.Add(query);
        }

        return queries;
    }

    /// <summary>Reads graded judgements: one (query, product, gain) per row.</summary>
    /// <param name="path">The qrels file.</param>
    /// <param name="knownQueryIds">The query ids of the queries file; a judgement of any other query is an error. Null accepts any.</param>
    /// <param name="columns">Column names; defaults query_id, asin, gain.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A column is missing, a gain is not a non-negative number, a pair repeats, or a query is unknown; the message names the line.</exception>
    public static async Task<RelevanceJudgements> ReadJudgementsAsync(
        string path,
        IEnumerable<string>? knownQueryIds = null,
        JudgementColumns? columns = null,
        CancellationToken cancellationToken = default)
    {
        columns ??= new JudgementColumns();
        var known = knownQueryIds?.ToHashSet(StringComparer.Ordinal);
        var table = await TsvTable.ReadAsync(path, "judgements (qrels)", cancellationToken);
        var queryColumn = table.Column(columns.QueryId, "query id column");
        var productColumn = table.Column(columns.ProductId, "product id column");
        var gainColumn = table.Column(columns.Gain, "gain column");
        var byQuery = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var queryId = table.Field(row, queryColumn);
            var productId = table.Field(row, productColumn);
            var gainText = table.Field(row, gainColumn);
            if (known is not null && !known.Contains(queryId))
            {
                throw new InvalidDataException($"{table.Location(row.LineNumber)}: judges query '{queryId}', which is not in the queries file.");
            }

            if (!double.TryParse(gainText, NumberStyles.Float, CultureInfo.InvariantCulture, out var gain) || !double.IsFinite(gain) || gain < 0)
            {
                throw new InvalidDataException($"{table.Location(row.LineNumber)}: gain '{gainText}' in column '{columns.Gain}' is not a non-negative number.");
            }

            if (!byQuery.TryGetValue(queryId, out var judged))
            {
                judged = new Dictionary<string, double>(StringComparer.Ordinal);
                byQuery.Add(queryId, judged);
            }

            if (!judged.TryAdd(productId, gain))
            {
                throw new InvalidDataException($"{table.Location(row.LineNumber)}: product '{productId}' is judged twice for query '{queryId}'.");
            }
        }

        return new RelevanceJudgements(byQuery.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, double>)p.Value, StringComparer.Ordinal));
    }
}
