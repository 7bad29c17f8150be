using System.CommandLine;
using VectorIndexer.Evaluation;

namespace VectorIndexer.Cli;

/// <summary>The judged-query files the relevance commands read (<c>eval</c>, <c>finetune</c>), with their defaults beside the products file.</summary>
internal sealed class JudgedQueryOptions
{
    public Option<string?> Queries { get; } = new("--queries") { Description = "Judged queries, tab-separated with a header. Default: queries-dev.tsv beside the products." };

    public Option<string?> Qrels { get; } = new("--qrels") { Description = "Graded judgements, tab-separated with a header. Default: qrels-dev.tsv beside the products." };

    public Option<string[]> QueryColumns { get; } = new("--query-columns") { Description = "Column names of the queries file: id and text (default query_id query).", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };

    public Option<string[]> QrelsColumns { get; } = new("--qrels-columns") { Description = "Column names of the qrels file: query id, product id, gain (default query_id asin gain).", Arity = new ArgumentArity(3, 3), AllowMultipleArgumentsPerToken = true };

    public IEnumerable<Option> All => [Queries, Qrels, QueryColumns, QrelsColumns];

    /// <summary>Whether either file was named on the command line.</summary>
    public bool Given(ParseResult result) => result.GetValue(Queries) is not null || result.GetValue(Qrels) is not null;

    /// <summary>Reads the queries and their judgements (of any query in the file); errors name the file and line.</summary>
    public async Task<(IReadOnlyList<EvaluationQuery> Queries, RelevanceJudgements Judgements, string QrelsPath)> ReadAsync(ParseResult result, string productsPath, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetDirectoryName(Path.GetFullPath(productsPath))!;
        var queriesPath = result.GetValue(Queries) ?? Path.Combine(dataDirectory, "queries-dev.tsv");
        var qrelsPath = result.GetValue(Qrels) ?? Path.Combine(dataDirectory, "qrels-dev.tsv");
        var queryColumns = result.GetValue(QueryColumns) is [var id, var text] ? new QueryColumns(id, text) : new QueryColumns();
        var qrelsColumns = result.GetValue(QrelsColumns) is [var query, var product, var gain] ? new JudgementColumns(query, product, gain) : new JudgementColumns();
        var queries = await EvaluationFiles.ReadQueriesAsync(queriesPath, queryColumns, cancellationToken);
        var judgements = await EvaluationFiles.ReadJudgementsAsync(qrelsPath, queries.Select(q => q.Id), qrelsColumns, cancellationToken);
        return (queries, judgements, qrelsPath);
    }
}
