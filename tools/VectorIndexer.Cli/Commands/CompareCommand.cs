using System.CommandLine;
using System.Text.RegularExpressions;
using VectorIndexer.Evaluation;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>compare</c>: pairs the per-query nDCG@10 of saved eval runs (<c>eval --per-query</c>) by query
/// and gives the mean difference with a paired bootstrap 95 % interval. Several files a side are
/// read as one, so the held-out folds of a cross-validated run compare as one set of queries.
/// With <c>--choose</c> it picks among several saved runs by the baseline's folds, so that a
/// recipe is chosen on queries it is not then scored on.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Option<string[]>("--baseline") { Description = "Per-query CSVs of the baseline (eval --per-query); several are read as one. With --choose, each file is one fold.", Required = true, AllowMultipleArgumentsPerToken = true };
        var candidate = new Option<string[]>("--candidate") { Description = "Per-query CSVs of the candidate, over the same queries.", AllowMultipleArgumentsPerToken = true };
        var choose = new Option<string[]>("--choose")
        {
            Description = "Choose by cross-validation instead: name=file[,file...] candidates (repeat the option); for each baseline file (a fold) the candidate, or the baseline, " +
                "with the best mean on the other folds' queries is taken for this fold's queries, and the pooled choice is compared with the baseline.",
            AllowMultipleArgumentsPerToken = true,
        };
        var matching = new Option<string?>("--queries-matching") { Description = "Compare only the queries whose text matches this regular expression (case-insensitive), e.g. '\\bwithout\\b': how a change does on one kind of query." };
        var command = new Command("compare", "Compare two sets of saved per-query eval results: mean nDCG@10 of each, the paired difference and its bootstrap 95 % interval; or choose among several by cross-validation.")
        {
            baseline, candidate, choose, matching,
        };
        command.SetAction(async (result, cancellationToken) => await CommandErrors.RunAsync(async () =>
        {
            var baselineFiles = result.GetValue(baseline)!;
            var candidateFiles = result.GetValue(candidate) ?? [];
            var named = result.GetValue(choose) ?? [];
            if ((candidateFiles.Length > 0) == (named.Length > 0))
            {
                throw new InputException("Give either --candidate (one candidate to compare) or --choose (candidates to choose among by folds).");
            }

            var before = await ReadAsync(baselineFiles, cancellationToken);
            if (named.Length > 0)
            {
                if (result.GetValue(matching) is not null)
                {
                    throw new InputException("--queries-matching compares a subset of queries; give it with --candidate, not --choose (a choice by folds needs every fold's queries).");
                }

                return await ChooseAsync(baselineFiles, before, named, cancellationToken);
            }

            var after = await ReadAsync(candidateFiles, cancellationToken);
            var ids = SameQueries(before, after, "--candidate");
            if (result.GetValue(matching) is { } pattern)
            {
                var texts = await ReadTextsAsync(baselineFiles, cancellationToken);
                var regex = QueryPattern(pattern);
                ids = [.. ids.Where(id => regex.IsMatch(texts[id]))];
                if (ids.Length == 0)
                {
                    throw new InputException($"--queries-matching '{pattern}': no query matches.");
                }
            }

            Print(ids, [.. ids.Select(id => before[id])], [.. ids.Select(id => after[id])]);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Folds are the baseline's files; each candidate (and the baseline, listed first so that ties keep it) is scored on the folds it was not chosen on.</summary>
    private static async Task<int> ChooseAsync(string[] baselineFiles, Dictionary<string, double> before, string[] named, CancellationToken cancellationToken)
    {
        if (baselineFiles.Length < 2)
        {
            throw new InputException("--choose needs the baseline as one file per fold (two or more), as tools/finetune/folds.sh or eval --only-fold write them.");
        }

        var foldOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var f = 0; f < baselineFiles.Length; f++)
        {
            foreach (var id in (await ReadAsync([baselineFiles[f]], cancellationToken)).Keys)
            {
                foldOf[id] = f;
            }
        }

        var ids = before.Keys.Order(StringComparer.Ordinal).ToArray();
        var candidates = new List<(string Name, IReadOnlyList<double> Scores)> { ("baseline", [.. ids.Select(id => before[id])]) };
        foreach (var entry in named)
        {
            var (name, files) = entry.Split('=', 2) is [var n, var f] && n.Length > 0 && f.Length > 0
                ? (n, f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                : throw new InputException($"--choose '{entry}': give name=file[,file...].");
            if (candidates.Any(c => c.Name == name))
            {
                throw new InputException($"--choose '{entry}': the name '{name}' is given twice (and 'baseline' is taken).");
            }

            var scores = await ReadAsync(files, cancellationToken);
            SameQueries(before, scores, $"--choose {name}");
            candidates.Add((name, [.. ids.Select(id => scores[id])]));
        }

        var choice = CrossValidation.Choose(candidates, [.. ids.Select(id => foldOf[id])]);
        foreach (var fold in choice.Folds)
        {
            Console.WriteLine($"fold {fold.Fold + 1} ({Path.GetFileName(baselineFiles[fold.Fold])}, {fold.Queries} queries): chose {fold.Chosen} (mean {EsciCatalog.Format(fold.TrainingMean, "0.0000")} on the other folds), {EsciCatalog.Format(fold.HeldOutMean, "0.0000")} on this one");
        }

        Print(ids, candidates[0].Scores, choice.HeldOutScores);
        return ExitCodes.Success;
    }

    private static string[] SameQueries(Dictionary<string, double> before, Dictionary<string, double> after, string side)
    {
        var missing = before.Keys.Except(after.Keys).Concat(after.Keys.Except(before.Keys)).ToList();
        if (missing.Count > 0)
        {
            throw new InputException($"{side}: the two sides must hold the same queries; {missing.Count} are on one side only (e.g. '{missing[0]}').");
        }

        return [.. before.Keys.Order(StringComparer.Ordinal)];
    }

    private static void Print(string[] ids, IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var interval = CrossValidation.PairedBootstrap(b, a);
        Console.WriteLine($"{ids.Length} queries: baseline nDCG@10 {EsciCatalog.Format(a.Average(), "0.0000")}, candidate {EsciCatalog.Format(b.Average(), "0.0000")}");
        Console.WriteLine($"difference {EvalTuning.Signed(interval.MeanDifference)} (95 % CI {EvalTuning.Signed(interval.Lower)} to {EvalTuning.Signed(interval.Upper)}), better on {interval.Better}, worse on {interval.Worse}");
    }

    private static Regex QueryPattern(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new InputException($"--queries-matching '{pattern}' is not a regular expression: {e.Message}");
        }
    }

    private static async Task<Dictionary<string, string>> ReadTextsAsync(string[] paths, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            foreach (var (id, (query, _)) in await EvaluationCsv.ReadScoresAsync(path, cancellationToken))
            {
                texts[id] = query;
            }
        }

        return texts;
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
