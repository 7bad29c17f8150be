using System.CommandLine;
using VectorIndexer.Evaluation;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>compare</c>: pairs the per-query nDCG@10 of saved eval runs (<c>eval --per-query</c>) by query
/// and gives the mean difference with a paired bootstrap 95 % interval. Several files a side are
/// read as one, so the held-out folds of a cross-validated run compare as one set of queries.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Option<string[]>("--baseline") { Description = "Per-query CSVs of the baseline (eval --per-query); several are read as one.", Required = true, AllowMultipleArgumentsPerToken = true };
        var candidate = new Option<string[]>("--candidate") { Description = "Per-query CSVs of the candidate, over the same queries.", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command("compare", "Compare two sets of saved per-query eval results: mean nDCG@10 of each, the paired difference and its bootstrap 95 % interval.")
        {
            baseline, candidate,
        };
        command.SetAction(async (result, cancellationToken) => await CommandErrors.RunAsync(async () =>
        {
            var before = await ReadAsync(result.GetValue(baseline)!, cancellationToken);
            var after = await ReadAsync(result.GetValue(candidate)!, cancellationToken);
            var missing = before.Keys.Except(after.Keys).Concat(after.Keys.Except(before.Keys)).ToList();
            if (missing.Count > 0)
            {
                throw new InputException($"The two sides must hold the same queries; {missing.Count} are on one side only (e.g. '{missing[0]}').");
            }

            var ids = before.Keys.Order(StringComparer.Ordinal).ToArray();
            var a = ids.Select(id => before[id]).ToArray();
            var b = ids.Select(id => after[id]).ToArray();
            var interval = CrossValidation.PairedBootstrap(b, a);
            Console.WriteLine($"{ids.Length} queries: baseline nDCG@10 {EsciCatalog.Format(a.Average(), "0.0000")}, candidate {EsciCatalog.Format(b.Average(), "0.0000")}");
            Console.WriteLine($"difference {EsciCatalog.Format(interval.MeanDifference, "+0.0000;-0.0000")} (95 % CI {EsciCatalog.Format(interval.Lower, "+0.0000;-0.0000")} to {EsciCatalog.Format(interval.Upper, "+0.0000;-0.0000")}), better on {interval.Better}, worse on {interval.Worse}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<Dictionary<string, double>> ReadAsync(string[] paths, CancellationToken cancellationToken)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            foreach (var (id, ndcg) in await EvaluationCsv.ReadNdcgAsync(path, cancellationToken))
            {
                if (!scores.TryAdd(id, ndcg))
                {
                    throw new InputException($"{path}: query '{id}' is also in another file of the same side.");
                }
            }
        }

        return scores;
    }
}
