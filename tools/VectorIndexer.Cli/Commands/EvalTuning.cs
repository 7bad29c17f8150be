using System.Globalization;
using System.Text;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;
using VectorIndexer.Evaluation;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// A retrieval setting <c>eval</c> ranks with: the mode, the fusion settings and the lexical analyzer and BM25 settings
/// (a lexical setting other than the command's needs its own in-memory index, built from the cached vectors).
/// </summary>
internal sealed record RankSetting(SearchMode Mode, FusionSettings Fusion, LexicalOptions Lexical)
{
    /// <summary>Names the setting in the keys <c>--grid</c> and <c>--baseline</c> take.</summary>
    public override string ToString() => (Mode, Fusion.Method) switch
    {
        (SearchMode.Hybrid, FusionMethod.Dbsf) => string.Create(CultureInfo.InvariantCulture, $"mode=hybrid fusion=dbsf name-weight={Fusion.NameWeight:0.###} fusion-depth={Fusion.Depth} {LexicalText}"),
        (SearchMode.Hybrid, _) => string.Create(CultureInfo.InvariantCulture, $"mode=hybrid rrf-k={Fusion.K} dense-weight={Fusion.DenseWeight:0.###} lexical-weight={Fusion.LexicalWeight:0.###} name-weight={Fusion.NameWeight:0.###} fusion-depth={Fusion.Depth} {LexicalText}"),
        (SearchMode.Lexical, _) => $"mode=lexical {LexicalText}",
        _ => $"mode={Mode.ToString().ToLowerInvariant()}",
    };

    /// <summary>The lexical part of the name; equal texts mean equal lexical indexes.</summary>
    public string LexicalKey => Lexical.ToString();

    private string LexicalText => string.Create(CultureInfo.InvariantCulture, $"stop-words={(Lexical.StopWords ? "on" : "off")} stemming={(Lexical.Stemming ? "on" : "off")} k1={Lexical.K1:0.###} b={Lexical.B:0.###}");
}

/// <summary>
/// <c>eval --folds/--grid/--baseline</c>: settings judged on queries they were not chosen on, and
/// paired bootstrap intervals against a baseline.
/// </summary>
internal static class EvalTuning
{
    /// <summary>The keys of <c>--grid</c> and <c>--baseline</c>.</summary>
    public static readonly string[] Keys = ["mode", "fusion", "rrf-k", "dense-weight", "lexical-weight", "name-weight", "fusion-depth", "stop-words", "stemming", "k1", "b"];

    /// <summary>
    /// Parses <c>key=v1,v2;key=v1</c> into the settings it spans, <paramref name="start"/>'s values first
    /// on every axis (so the first candidate is the start, and ties go to it).
    /// </summary>
    public static IReadOnlyList<RankSetting> ParseGrid(string spec, RankSetting start, string option)
    {
        var settings = new List<RankSetting> { start };
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !Keys.Contains(pair[0], StringComparer.Ordinal) || pair[1].Length == 0)
            {
                throw new InputException($"{option}: '{part}' is not <key>=<value>[,<value>...] with a key of {string.Join(", ", Keys)}.");
            }

            var values = pair[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var next = new List<RankSetting>();
            foreach (var setting in settings)
            {
                foreach (var value in values)
                {
                    next.Add(With(setting, pair[0], value, option));
                }
            }

            settings = next;
        }

        // Keep the first of equal settings (the start stays first).
        var distinct = new List<RankSetting>();
        foreach (var setting in settings.Prepend(start))
        {
            if (!distinct.Any(d => d.ToString() == setting.ToString()))
            {
                distinct.Add(setting);
            }
        }

        return distinct;
    }

    /// <summary>The per-query nDCG@10 of a setting, in <paramref name="queryIds"/> order.</summary>
    public static double[] Align(EvaluationSummary summary, IReadOnlyList<string> queryIds)
    {
        var byId = summary.Queries.ToDictionary(q => q.Query.Id, q => q.NdcgAt10, StringComparer.Ordinal);
        return [.. queryIds.Select(id => byId.GetValueOrDefault(id))];
    }

    /// <summary>A saved run's per-query nDCG@10 in <paramref name="queryIds"/> order; every query must be in it.</summary>
    public static async Task<double[]> ReadBaselineRunAsync(string path, IReadOnlyList<string> queryIds, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, double> saved;
        try
        {
            saved = await EvaluationCsv.ReadNdcgAsync(path, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new InputException($"--baseline: {ex.Message}");
        }

        var missing = queryIds.Where(id => !saved.ContainsKey(id)).Take(5).ToList();
        if (missing.Count > 0)
        {
            throw new InputException($"--baseline: the saved run {path} has no score for query {string.Join(", ", missing)}: it was made on other queries.");
        }

        return [.. queryIds.Select(id => saved[id])];
    }

    /// <summary>The text report of a cross-validated choice (and its interval against the baseline).</summary>
    public static string Describe(int folds, CrossValidatedChoice choice, int candidates, PairedInterval? interval, string baseline)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{folds}-fold cross-validation over {candidates} setting(s): nDCG@10 held out, mean over folds {choice.MeanOverFolds:0.0000}\n");
        foreach (var fold in choice.Folds)
        {
            text.Append(CultureInfo.InvariantCulture, $"  fold {fold.Fold + 1} ({fold.Queries} queries): {fold.HeldOutMean:0.0000} held out, chosen on the other folds ({fold.TrainingMean:0.0000}): {fold.Chosen}\n");
        }

        if (interval is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"against {baseline}: {Signed(interval.MeanDifference)} [{Signed(interval.Lower)}, {Signed(interval.Upper)}] 95 % paired bootstrap ({interval.Resamples} resamples); {interval.Better} queries better, {interval.Worse} worse; {(interval.Clears ? "clears" : "does not clear")} its interval\n");
        }

        return text.ToString();
    }

    /// <summary>A difference with its sign, four decimals; one that rounds to zero is written ±0.0000.</summary>
    internal static string Signed(double value) =>
        Math.Round(value, 4) == 0 ? "±0.0000" : value.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture);

    private static LexicalOptions Lexical(RankSetting setting, Action<LexicalOptions> change)
    {
        var copy = setting.Lexical.Clone();
        change(copy);
        return copy;
    }

    private static bool ParseSwitch(string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw new FormatException(),
    };

    /// <summary>rrf or dbsf, any case.</summary>
    public static FusionMethod ParseMethod(string value) =>
        Enum.TryParse<FusionMethod>(value, ignoreCase: true, out var method) && Enum.IsDefined(method) ? method : throw new FormatException();

    private static RankSetting With(RankSetting setting, string key, string value, string option)
    {
        try
        {
            var fusion = setting.Fusion;
            var changed = key switch
            {
                "mode" => setting with { Mode = Enum.TryParse<SearchMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode) ? mode : throw new FormatException() },
                "fusion" => setting with { Fusion = fusion with { Method = ParseMethod(value) } },
                "stop-words" => setting with { Lexical = Lexical(setting, l => l.StopWords = ParseSwitch(value)) },
                "stemming" => setting with { Lexical = Lexical(setting, l => l.Stemming = ParseSwitch(value)) },
                "k1" => setting with { Lexical = Lexical(setting, l => l.K1 = double.Parse(value, CultureInfo.InvariantCulture)) },
                "b" => setting with { Lexical = Lexical(setting, l => l.B = double.Parse(value, CultureInfo.InvariantCulture)) },
                "rrf-k" => setting with { Fusion = fusion with { K = int.Parse(value, CultureInfo.InvariantCulture) } },
                "dense-weight" => setting with { Fusion = fusion with { DenseWeight = float.Parse(value, CultureInfo.InvariantCulture) } },
                "lexical-weight" => setting with { Fusion = fusion with { LexicalWeight = float.Parse(value, CultureInfo.InvariantCulture) } },
                "name-weight" => setting with { Fusion = fusion with { NameWeight = float.Parse(value, CultureInfo.InvariantCulture) } },
                _ => setting with { Fusion = fusion with { Depth = int.Parse(value, CultureInfo.InvariantCulture) } },
            };
            changed.Fusion.ThrowIfInvalid();
            if (changed.Lexical.Validate("lexical") is [var problem, ..])
            {
                throw new ArgumentOutOfRangeException(key, value, problem);
            }

            return changed;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new InputException($"{option}: '{value}' is not a valid {key}{(ex is ArgumentOutOfRangeException range ? $" ({range.Message})" : string.Empty)}.");
        }
    }
}
