using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VectorIndexer.Catalog;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;
using VectorIndexer.Evaluation;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>eval</c>: relevance of search over a judged query set (ESCI-SRW by default): nDCG@10, MRR@10 and
/// Recall@100, the way the service indexes and searches.
/// </summary>
internal static class EvalCommand
{
    private static readonly string[] Modes = ["dense", "lexical", "hybrid"];

    public static Command Create()
    {
        var judged = new JudgedQueryOptions();
        var engine = new EngineOptions();
        var catalogueOptions = new CatalogueOptions();
        var mode = new Option<string>("--mode") { Description = "Retrieval mode: dense (embeddings), lexical (BM25F) or hybrid (both, fused by weighted RRF).", DefaultValueFactory = _ => "dense" };
        mode.AcceptOnlyFromAmong(Modes);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the metrics to stdout (progress goes to stderr)." };
        var perQuery = new Option<string?>("--per-query") { Description = "Write each query's scores to this CSV file." };
        var defaults = FusionSettings.Default;
        var rrfK = new Option<int>("--rrf-k") { Description = $"Hybrid: the RRF rank constant k (default {defaults.K}).", DefaultValueFactory = _ => defaults.K };
        var denseWeight = new Option<float>("--dense-weight") { Description = $"Hybrid: weight of the dense list (default {defaults.DenseWeight}).", DefaultValueFactory = _ => defaults.DenseWeight };
        var lexicalWeight = new Option<float>("--lexical-weight") { Description = $"Hybrid: weight of the lexical list (default {defaults.LexicalWeight}).", DefaultValueFactory = _ => defaults.LexicalWeight };
        var nameWeight = new Option<float>("--name-weight") { Description = $"Hybrid: weight of the name-fields lexical list, 0 to leave it out (default {defaults.NameWeight}).", DefaultValueFactory = _ => defaults.NameWeight };
        var nameFields = new Option<string?>("--name-fields") { Description = "Lexical: fields of the name vector, e.g. title,brand (default title,brand)." };
        var fusionMethod = new Option<string>("--fusion") { Description = "Hybrid: rrf (weighted reciprocal rank fusion, default) or dbsf (distribution-based score fusion, unweighted, as Qdrant's).", DefaultValueFactory = _ => "rrf" };
        fusionMethod.AcceptOnlyFromAmong("rrf", "dbsf");
        var depth = new Option<int>("--fusion-depth") { Description = $"Hybrid: hits each list contributes (default {defaults.Depth}).", DefaultValueFactory = _ => defaults.Depth };
        var lexicalDefaults = new LexicalOptions();
        var k1 = new Option<double>("--k1") { Description = $"Lexical: BM25 k1 (default {lexicalDefaults.K1}).", DefaultValueFactory = _ => lexicalDefaults.K1 };
        var b = new Option<double>("--b") { Description = $"Lexical: BM25 b (default {lexicalDefaults.B}).", DefaultValueFactory = _ => lexicalDefaults.B };
        var noStemming = new Option<bool>("--no-stemming") { Description = "Lexical: keep plural endings." };
        var keepStopWords = new Option<bool>("--keep-stop-words") { Description = "Lexical: keep English function words (a, the, to, on, ...), which are left out by default." };
        var fieldWeights = new Option<string?>("--field-weights") { Description = "Lexical: field weights, e.g. title=3,brand=2,bullets=1,description=0.5 (fields not named keep their default; 0 leaves a field out)." };
        var fieldLengths = new Option<string?>("--field-lengths") { Description = "Lexical: average field lengths in terms, e.g. title=20,bullets=120." };
        var folds = new Option<int>("--folds") { Description = "Folds of the queries for --grid and the per-fold report (2-20, default 5).", DefaultValueFactory = _ => 5 };
        var foldSeed = new Option<int>("--fold-seed") { Description = "Seed of the split into folds (default 0).", DefaultValueFactory = _ => 0 };
        var onlyFold = new Option<int?>("--only-fold") { Description = "Evaluate only the queries of this fold (1..folds, by --folds and --fold-seed): the queries a model trained with finetune --exclude-fold of the same fold never saw." };
        var grid = new Option<string?>("--grid") { Description = "Settings to choose among by cross-validation, e.g. \"rrf-k=20,60,100;dense-weight=0.5,1,2\" (keys: mode, fusion, rrf-k, dense-weight, lexical-weight, name-weight, fusion-depth, and the lexical stop-words=on|off, stemming=on|off, k1, b, each of which rebuilds the lexical index from the cached vectors); the other options give the starting setting, listed first (ties go to it). Each fold is scored with the setting chosen on the other folds." };
        var baseline = new Option<string?>("--baseline") { Description = "Compare with a baseline by a paired bootstrap 95 % interval: settings such as \"mode=dense\" (over the other options) or a per-query CSV saved with --per-query. Default with --grid: the starting setting." };
        var timeRounds = new Option<int>("--time-rounds") { Description = "Also time the index search of every query in dense, lexical and hybrid mode, this many rounds (0: off).", DefaultValueFactory = _ => 0 };
        var command = new Command("eval", "Evaluate search relevance over judged queries: nDCG@10, MRR@10 (first top-grade product), Recall@100 (top grade).")
        {
            mode, json, perQuery,
            fusionMethod, rrfK, denseWeight, lexicalWeight, nameWeight, nameFields, depth, k1, b, noStemming, keepStopWords, fieldWeights, fieldLengths, timeRounds,
            folds, foldSeed, onlyFold, grid, baseline,
        };
        engine.AddTo(command);
        foreach (var option in catalogueOptions.All.Concat(judged.All))
        {
            command.Options.Add(option);
        }
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = engine.CreateLoggerFactory(result);
            return await CommandErrors.RunAsync(async () =>
            {
                var selectedMode = result.GetValue(mode) ?? "dense";
                var searchMode = Enum.Parse<SearchMode>(selectedMode, ignoreCase: true);
                var fusion = new FusionSettings(result.GetValue(rrfK), result.GetValue(denseWeight), result.GetValue(lexicalWeight), result.GetValue(depth), result.GetValue(nameWeight), EvalTuning.ParseMethod(result.GetValue(fusionMethod) ?? "rrf"));
                try
                {
                    fusion.ThrowIfInvalid();
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    throw new InputException($"--{ex.ParamName switch { "K" => "rrf-k", "DenseWeight" => "dense-weight", "LexicalWeight" => "lexical-weight", "NameWeight" => "name-weight", "Method" => "fusion", _ => "fusion-depth" }}: {ex.Message}");
                }

                var foldCount = result.GetValue(folds);
                if (foldCount is < 2 or > 20)
                {
                    throw new InputException($"--folds: {foldCount} is not between 2 and 20.");
                }

                var lexical = ReadLexicalOptions(result.GetValue(k1), result.GetValue(b), !result.GetValue(noStemming), !result.GetValue(keepStopWords), result.GetValue(fieldWeights), result.GetValue(fieldLengths), result.GetValue(nameFields));
                var start = new RankSetting(searchMode, fusion, lexical);
                var candidates = result.GetValue(grid) is { } gridSpec ? EvalTuning.ParseGrid(gridSpec, start, "--grid") : null;
                var baselineSpec = result.GetValue(baseline);
                var baselineSetting = baselineSpec is not null && !File.Exists(baselineSpec) ? EvalTuning.ParseGrid(baselineSpec, start, "--baseline") : null;
                if (baselineSetting is { Count: > 2 })
                {
                    throw new InputException("--baseline: give one value per key (it names one setting), or the path of a saved per-query CSV.");
                }

                var productsPath = catalogueOptions.ProductsPath(result);
                var (evalQueries, judgements, qrelsPath) = await judged.ReadAsync(result, productsPath, cancellationToken);
                if (result.GetValue(onlyFold) is { } heldOutFold)
                {
                    if (heldOutFold < 1 || heldOutFold > foldCount)
                    {
                        throw new InputException($"--only-fold {heldOutFold}: give a fold from 1 to --folds ({foldCount}).");
                    }

                    var assigned = CrossValidation.AssignFolds([.. evalQueries.Select(q => q.Id)], foldCount, result.GetValue(foldSeed));
                    evalQueries = [.. evalQueries.Where((_, i) => assigned[i] == heldOutFold - 1)];
                }

                var catalogue = await catalogueOptions.ReadAsync(result, productsPath, cancellationToken);

                var stopwatch = Stopwatch.StartNew();
                await Console.Error.WriteLineAsync($"eval: {evalQueries.Count} queries");
                using var embedded = await catalogueOptions.EmbedAsync(result, engine, loggers, "eval", cancellationToken, lexical, catalogue);
                var (embedder, model, evaluation, done) = (embedded.Embedder, embedded.Model, embedded.Evaluation, embedded.Indexed);
                var indexes = new List<EmbeddedProductIndex>();

                var rankings = await evaluation.RankAsync(evalQueries, RelevanceEvaluator.RecallK, searchMode, fusion, cancellationToken);
                var summary = RelevanceEvaluator.Evaluate(evalQueries, judgements, rankings);
                stopwatch.Stop();
                if (summary.QueryCount < evalQueries.Count)
                {
                    await Console.Error.WriteLineAsync($"note: {evalQueries.Count - summary.QueryCount} queries have no judgements and were not scored.");
                }

                if (result.GetValue(perQuery) is { } csvPath)
                {
                    await using var writer = new StreamWriter(csvPath);
                    await EvaluationCsv.WriteAsync(summary, writer, cancellationToken);
                    await Console.Error.WriteLineAsync($"per-query results: {csvPath}");
                }

                var tuning = string.Empty;
                if (candidates is not null || baselineSpec is not null)
                {
                    var ids = summary.Queries.Select(q => q.Query.Id).ToArray();
                    var foldOf = CrossValidation.AssignFolds(ids, foldCount, result.GetValue(foldSeed));
                    // A lexical setting of its own gets its own index, filled from the cached vectors (kept for the run).
                    var byLexical = new Dictionary<string, RetrievalEvaluation>(StringComparer.Ordinal) { [start.LexicalKey] = evaluation };
                    async Task<RetrievalEvaluation> EvaluationForAsync(RankSetting setting)
                    {
                        if (!byLexical.TryGetValue(setting.LexicalKey, out var other))
                        {
                            var otherIndex = EmbeddedProductIndex.CreateInMemory(lexical: setting.Lexical);
                            indexes.Add(otherIndex);
                            other = embedded.EvaluationOver(otherIndex);
                            await other.IndexAsync(catalogue, null, cancellationToken);
                            byLexical[setting.LexicalKey] = other;
                        }

                        return other;
                    }

                    async Task<double[]> ScoresAsync(RankSetting setting) => EvalTuning.Align(
                        RelevanceEvaluator.Evaluate(evalQueries, judgements, await (await EvaluationForAsync(setting)).RankAsync(evalQueries, RelevanceEvaluator.RecallK, setting.Mode, setting.Fusion, cancellationToken)),
                        ids);
                    var scored = new List<(string Name, IReadOnlyList<double> Scores)>();
                    foreach (var setting in candidates ?? [start])
                    {
                        scored.Add((setting.ToString(), setting == start ? EvalTuning.Align(summary, ids) : await ScoresAsync(setting)));
                        await Console.Error.WriteLineAsync($"scored {scored.Count} of {(candidates ?? [start]).Count}: {setting} nDCG@10 {EsciCatalog.Format(scored[^1].Scores.Average(), "0.0000")}");
                    }

                    var choice = CrossValidation.Choose(scored, foldOf);
                    double[]? against = null;
                    var baselineName = baselineSpec ?? start.ToString();
                    if (baselineSetting is not null)
                    {
                        var named = baselineSetting[^1];
                        baselineName = named.ToString();
                        against = await ScoresAsync(named);
                    }
                    else if (baselineSpec is not null)
                    {
                        against = await EvalTuning.ReadBaselineRunAsync(baselineSpec, ids, cancellationToken);
                    }
                    else if (candidates is { Count: > 1 })
                    {
                        against = [.. scored[0].Scores];
                    }

                    var interval = against is null ? null : CrossValidation.PairedBootstrap(choice.HeldOutScores, against);
                    tuning = EvalTuning.Describe(foldCount, choice, scored.Count, interval, baselineName);
                    foreach (var other in indexes)
                    {
                        other.Dispose();
                    }
                }

                var timings = new List<(SearchMode Mode, double[] Milliseconds)>();
                if (result.GetValue(timeRounds) is > 0 and var rounds)
                {
                    foreach (var timed in Enum.GetValues<SearchMode>())
                    {
                        timings.Add((timed, await evaluation.TimeSearchesAsync(evalQueries, 10, timed, fusion, rounds, cancellationToken)));
                    }
                }

                var settings = searchMode switch
                {
                    SearchMode.Dense => "",
                    SearchMode.Lexical => $"lexical: {lexical}\n",
                    _ => $"lexical: {lexical}\nfusion: k {fusion.K}, dense weight {EsciCatalog.Format(fusion.DenseWeight, "0.##")}, lexical weight {EsciCatalog.Format(fusion.LexicalWeight, "0.##")}, name weight {EsciCatalog.Format(fusion.NameWeight, "0.##")}, depth {fusion.Depth}\n",
                };
                if (result.GetValue(json))
                {
                    if (tuning.Length > 0)
                    {
                        await Console.Error.WriteAsync(tuning);
                    }

                    await Console.Out.WriteLineAsync(ToJson(summary, selectedMode, model, embedder.MaxLength, catalogue.Count, done, searchMode == SearchMode.Dense ? null : lexical, searchMode == SearchMode.Hybrid ? fusion : null, timings));
                }
                else
                {
                    await Console.Out.WriteLineAsync(
                        $"mode {selectedMode}, {model.Name} (max length {embedder.MaxLength}), {catalogue.Count} products, {summary.QueryCount} queries, {EsciCatalog.Format(stopwatch.Elapsed.TotalSeconds)} s\n" +
                        settings +
                        $"nDCG@10    {EsciCatalog.Format(summary.NdcgAt10, "0.0000")}\n" +
                        $"MRR@10     {EsciCatalog.Format(summary.MrrAt10, "0.0000")}\n" +
                        $"Recall@100 {EsciCatalog.Format(summary.RecallAt100, "0.0000")}" +
                        (tuning.Length > 0 ? "\n" + tuning.TrimEnd() : string.Empty));
                    foreach (var (timed, ms) in timings)
                    {
                        var (p50, p95, p99) = Percentiles(ms);
                        await Console.Out.WriteLineAsync($"search {timed.ToString().ToLowerInvariant(),-7} p50 {EsciCatalog.Format(p50, "0.000")} ms, p95 {EsciCatalog.Format(p95, "0.000")} ms, p99 {EsciCatalog.Format(p99, "0.000")} ms ({ms.Length} searches, top 10)");
                    }
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    internal static async Task<FeedMapping> ReadMappingAsync(string name, CancellationToken cancellationToken)
    {
        if (FeedMapping.TryGetBuiltIn(name, out var builtIn))
        {
            return builtIn;
        }

        if (!File.Exists(name))
        {
            throw new InputException($"--mapping '{name}' is neither a built-in mapping ({string.Join(", ", FeedMapping.BuiltInNames)}) nor a mapping file.");
        }

        try
        {
            return await FeedMapping.LoadAsync(name, cancellationToken);
        }
        catch (FeedMappingException ex)
        {
            throw new InputException(ex.Message);
        }
    }

    /// <summary>Every valid product of the feed, duplicates left out (the first of an id wins); rejected records are reported on stderr.</summary>
    internal static async Task<List<Product>> ReadCatalogueAsync(string path, FeedMapping mapping, CancellationToken cancellationToken)
    {
        await using var feed = CatalogFeed.Open(path, mapping);
        var catalogue = new List<Product>();
        await foreach (var item in feed.ReadAsync(cancellationToken))
        {
            switch (item)
            {
                case FeedProduct { IsDuplicate: false } product:
                    catalogue.Add(product.Product);
                    break;
                case FeedRejection rejection:
                    await Console.Error.WriteLineAsync($"warning: {path}:{rejection.LineNumber}: rejected: {rejection.Reason}");
                    break;
            }
        }

        if (catalogue.Count == 0)
        {
            throw new InputException($"The catalogue '{path}' holds no valid products.");
        }

        if (feed.Report.Duplicates > 0)
        {
            await Console.Error.WriteLineAsync($"warning: {feed.Report.Duplicates} duplicate product ids in '{path}' were left out.");
        }

        return catalogue;
    }

    private static LexicalOptions ReadLexicalOptions(double k1, double b, bool stemming, bool stopWords, string? weights, string? lengths, string? names)
    {
        var options = new LexicalOptions { K1 = k1, B = b, Stemming = stemming, StopWords = stopWords };
        foreach (var item in (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.NameFields.Add(Enum.TryParse<ProductTextField>(item, ignoreCase: true, out var field) && Enum.IsDefined(field)
                ? field
                : throw new InputException($"--name-fields: '{item}' is not a field ({string.Join(", ", Enum.GetNames<ProductTextField>()).ToLowerInvariant()})."));
        }

        Apply(weights, "--field-weights", (field, value) => field.Weight = value);
        Apply(lengths, "--field-lengths", (field, value) => field.AverageLength = value);
        var errors = options.Validate("lexical settings");
        if (errors.Count > 0)
        {
            throw new InputException(string.Join(" ", errors));
        }

        return options;

        void Apply(string? list, string option, Action<LexicalFieldOptions, double> set)
        {
            if (string.IsNullOrWhiteSpace(list))
            {
                return;
            }

            foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || !Enum.TryParse<ProductTextField>(parts[0], ignoreCase: true, out var name) || !Enum.IsDefined(name)
                    || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new InputException($"{option}: '{item}' is not <field>=<number> (fields: {string.Join(", ", Enum.GetNames<ProductTextField>()).ToLowerInvariant()}).");
                }

                set(options.Fields.First(f => f.Field == name).Options, value);
            }
        }
    }

    private static (double P50, double P95, double P99) Percentiles(double[] milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (At(0.50), At(0.95), At(0.99));
    }

    private static string ToJson(
        EvaluationSummary summary,
        string mode,
        IndexModel model,
        int maxLength,
        int products,
        CatalogueProgress done,
        LexicalOptions? lexical,
        FusionSettings? fusion,
        List<(SearchMode Mode, double[] Milliseconds)> timings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("mode", mode);
            writer.WriteString("model", model.Name);
            writer.WriteNumber("maxLength", maxLength);
            writer.WriteNumber("products", products);
            writer.WriteNumber("queries", summary.QueryCount);
            writer.WriteNumber("ndcg@10", Math.Round(summary.NdcgAt10, 6));
            writer.WriteNumber("mrr@10", Math.Round(summary.MrrAt10, 6));
            writer.WriteNumber("recall@100", Math.Round(summary.RecallAt100, 6));
            writer.WriteNumber("embedded", done.Embedded);
            writer.WriteNumber("fromCache", done.FromCache);
            if (lexical is not null)
            {
                writer.WriteString("lexical", lexical.ToString());
            }

            if (fusion is not null)
            {
                writer.WriteStartObject("fusion");
                writer.WriteNumber("k", fusion.K);
                writer.WriteNumber("denseWeight", fusion.DenseWeight);
                writer.WriteNumber("lexicalWeight", fusion.LexicalWeight);
                writer.WriteNumber("nameWeight", fusion.NameWeight);
                writer.WriteNumber("depth", fusion.Depth);
                writer.WriteEndObject();
            }

            if (timings.Count > 0)
            {
                writer.WriteStartObject("searchMs");
                foreach (var (timed, ms) in timings)
                {
                    var (p50, p95, p99) = Percentiles(ms);
                    writer.WriteStartObject(timed.ToString().ToLowerInvariant());
                    writer.WriteNumber("p50", Math.Round(p50, 4));
                    writer.WriteNumber("p95", Math.Round(p95, 4));
                    writer.WriteNumber("p99", Math.Round(p99, 4));
                    writer.WriteNumber("searches", ms.Length);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
