using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Embedding.Tokenization;
using VectorIndexer.Evaluation;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Training;
using VectorIndexer.Training.Bert;

namespace VectorIndexer.Cli.Commands;

/// <summary><c>finetune</c>: adapts a model to a catalogue and its judged queries, clicks, or the catalogue alone, and writes a model folder.</summary>
internal static class FinetuneCommand
{
    private static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web);

    public static Command Create()
    {
        var judged = new JudgedQueryOptions();
        var defaults = new FineTuneOptions();
        var baseModel = new Option<string?>("--base") { Description = $"The model to start from: a bundled model ({BundledModel.KeyList}) or a model folder in fp32 (model.onnx, vocab.txt, model.json). Default: {BundledModel.DefaultKey}." };
        var output = new Option<string>("--out", "-o") { Description = "The model folder to write (model.onnx, vocab.txt, model.json); must not exist yet, or be empty.", Required = true };
        var products = new Option<string?>("--products") { Description = "Catalogue feed (JSON Lines or CSV). Default: ../shared/data/esci-srw/products.jsonl." };
        var mapping = new Option<string>("--mapping") { Description = "Feed mapping: a built-in name (esci, default) or a mapping JSON file.", DefaultValueFactory = _ => "esci" };
        var minGain = new Option<double>("--min-gain") { Description = "Judged queries: the gain from which a product is a positive (default 2: ESCI's exact and substitute); gain 0 products are hard negatives.", DefaultValueFactory = _ => 2 };
        var clicks = new Option<string?>("--clicks") { Description = "Train on a click log instead: query, product_id, clicks columns (tab- or comma-separated, with a header)." };
        var selfSupervised = new Option<bool>("--self-supervised") { Description = "Train on the catalogue alone: each product's title (or a few of its words, --self-supervised-query span or words) against the rest of its text." };
        var selfSupervisedQuery = new Option<string>("--self-supervised-query") { Description = "With --self-supervised, what stands for the query: title (the whole title, the default), span (a seeded run of 2 to 6 title words, shaped like a shopper's keywords) words (2 to 6 title words from anywhere in it, in their order) or category (the category leaf, after the brand on half the products, against the text without its category).", DefaultValueFactory = _ => "title" };
        selfSupervisedQuery.AcceptOnlyFromAmong("title", "span", "words", "category");
        var negated = new Option<double>("--negated-queries") { Description = "With --self-supervised: share of the pairs (0 to 1) whose query gains \"without w\", w a title word of a similar product that this one lacks, and that product as the hard negative; teaches shoppers' negations such as \"water bottle without straw\" (default 0: off).", DefaultValueFactory = _ => 0 };
        var spans = new Option<int>("--spans") { Description = "With --self-supervised-query span or words: draws of a query per product (default 1); each different one is one more pair, so an epoch grows with it.", DefaultValueFactory = _ => 1 };
        var folds = new Option<int>("--folds") { Description = "With --exclude-fold: split the judged queries into this many folds (as eval --folds does).", DefaultValueFactory = _ => 5 };
        var excludeFold = new Option<int?>("--exclude-fold") { Description = "Leave the queries of this fold (1..folds) out of training, to evaluate on them afterwards with eval --only-fold." };
        var foldSeed = new Option<int>("--fold-seed") { Description = "Seed of the split into folds (default 0, as eval's).", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int>("--epochs") { Description = $"Passes over the pairs (default {defaults.Epochs}); early stopping on the validation queries may stop sooner.", DefaultValueFactory = _ => defaults.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = $"Pairs per step, each a negative for the others (default {defaults.BatchSize}); memory grows with it.", DefaultValueFactory = _ => defaults.BatchSize };
        var learningRate = new Option<double>("--learning-rate") { Description = $"AdamW peak learning rate (default {defaults.LearningRate}).", DefaultValueFactory = _ => defaults.LearningRate };
        var scale = new Option<double>("--scale") { Description = $"Multiplies the cosine similarities before the softmax: 1 / the temperature (default {defaults.Scale}; above 0, at most 100).", DefaultValueFactory = _ => defaults.Scale };
        var warmup = new Option<double>("--warmup") { Description = $"Share of the steps warming the learning rate up (default {defaults.WarmupFraction}).", DefaultValueFactory = _ => defaults.WarmupFraction };
        var maxLength = new Option<int>("--max-length") { Description = $"Token limit of the texts while training (default {defaults.MaxLength}).", DefaultValueFactory = _ => defaults.MaxLength };
        var seed = new Option<int>("--seed") { Description = $"Seed of the shuffle, the validation split and dropout (default {defaults.Seed}); the same seed gives the same model.", DefaultValueFactory = _ => defaults.Seed };
        var validation = new Option<double>("--validation") { Description = $"Share of the training queries held out for early stopping on their nDCG@10 (default {defaults.ValidationFraction}; 0: off).", DefaultValueFactory = _ => defaults.ValidationFraction };
        var validationSample = new Option<int>("--validation-sample") { Description = $"Validation ranks the held-out queries' judged products among this many others from the catalogue (default {defaults.ValidationCatalogueSample}; 0: the whole catalogue, slower).", DefaultValueFactory = _ => defaults.ValidationCatalogueSample };
        var patience = new Option<int>("--patience") { Description = $"Epochs without a validation gain before stopping (default {defaults.Patience}).", DefaultValueFactory = _ => defaults.Patience };
        var noHardNegatives = new Option<bool>("--no-hard-negatives") { Description = "Do not add hard negatives (judged irrelevant or mined) to the batches." };
        var mineNegatives = new Option<int>("--mine-negatives") { Description = "Mine hard negatives from an index of the catalogue embedded with the base model: the query's top this many products that are neither its positives nor judged relevant give the pairs without a judged negative one each (0: off, the default).", DefaultValueFactory = _ => 0 };
        var mineSkip = new Option<int>("--mine-skip") { Description = "With --mine-negatives: leave out this many top ranks first, where near-duplicates of a positive would be false negatives (default 0).", DefaultValueFactory = _ => 0 };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint folder; a run started again with the same data and settings resumes from it. Default: <out>.checkpoint." };
        var threads = new Option<int>("--threads") { Description = "LibTorch threads (default 0: one per core).", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "Where to train: cpu (this build carries LibTorch for the CPU only).", DefaultValueFactory = _ => "cpu" };
        var json = new Option<bool>("--json") { Description = "Print the run's record (the fineTuning section of model.json) as JSON to stdout." };
        var command = new Command(
            "finetune",
            "Fine-tune the embedding model on this catalogue: multiple-negatives ranking loss over (query, product) pairs from judged queries, a click log, " +
            "or the catalogue itself; writes a model folder for Embedding:ModelPath. Progress on stderr; Ctrl+C stops at a checkpoint, and the same command resumes.")
        {
            baseModel, output, products, mapping, minGain, clicks, selfSupervised, selfSupervisedQuery, spans, negated, folds, excludeFold, foldSeed,
            epochs, batchSize, learningRate, scale, warmup, maxLength, seed, validation, validationSample, patience, noHardNegatives, mineNegatives, mineSkip, checkpoint, threads, device, json,
        };
        foreach (var option in judged.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) => await CommandErrors.RunAsync(async () =>
        {
            if (!string.Equals(result.GetValue(device), "cpu", StringComparison.OrdinalIgnoreCase))
            {
                throw new InputException($"--device '{result.GetValue(device)}': this build trains on the CPU only (TorchSharp-cpu); the CUDA build of LibTorch is not bundled.");
            }

            var options = new FineTuneOptions
            {
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batchSize),
                LearningRate = result.GetValue(learningRate),
                Scale = result.GetValue(scale),
                WarmupFraction = result.GetValue(warmup),
                MaxLength = result.GetValue(maxLength),
                Seed = result.GetValue(seed),
                ValidationFraction = result.GetValue(validation),
                Patience = result.GetValue(patience),
                ValidationCatalogueSample = result.GetValue(validationSample),
                JudgedHardNegatives = !result.GetValue(noHardNegatives),
                Threads = result.GetValue(threads),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InputException($"{OptionName(ex.ParamName)}: {ex.Message.Split(" (Parameter", 2)[0]}");
            }

            var clickLog = result.GetValue(clicks);
            var fromCatalogue = result.GetValue(selfSupervised);
            if ((clickLog is not null ? 1 : 0) + (fromCatalogue ? 1 : 0) + (judged.Given(result) ? 1 : 0) > 1)
            {
                throw new InputException("Give one source of pairs: --queries/--qrels (judged queries), --clicks, or --self-supervised.");
            }

            if (!fromCatalogue && result.GetResult(selfSupervisedQuery) is { Implicit: false })
            {
                throw new InputException("--self-supervised-query: give it with --self-supervised; the other sources have real queries.");
            }

            if (result.GetValue(spans) is var draws && (draws < 1 || draws > 20 || (draws > 1 && result.GetValue(selfSupervisedQuery) is not ("span" or "words"))))
            {
                throw new InputException($"--spans {draws}: give 1 to 20, and more than 1 only with --self-supervised-query span or words.");
            }

            if (result.GetValue(negated) is var share && (double.IsNaN(share) || share is < 0 or > 1 || (share > 0 && !fromCatalogue)))
            {
                throw new InputException($"--negated-queries {share.ToString(CultureInfo.InvariantCulture)}: give a share from 0 to 1, and more than 0 only with --self-supervised.");
            }

            var outDirectory = Path.GetFullPath(result.GetValue(output)!);
            if (Directory.Exists(outDirectory) && Directory.EnumerateFileSystemEntries(outDirectory).Any())
            {
                throw new InputException($"--out '{outDirectory}' already exists and is not empty; write the model to a new folder.");
            }

            var named = result.GetValue(baseModel);
            var source = ModelArgument.Open(named);
            var productsPath = EsciCatalog.RequireProductsFile(result.GetValue(products));
            var feedMapping = await EvalCommand.ReadMappingAsync(result.GetValue(mapping) ?? "esci", cancellationToken);
            var catalogue = await EvalCommand.ReadCatalogueAsync(productsPath, feedMapping, cancellationToken);
            var composer = new ProductTextComposer();
            TrainingData data;
            object? foldRecord = null;
            if (clickLog is not null)
            {
                data = await TrainingDataSources.FromClicksAsync(catalogue, composer, clickLog, cancellationToken);
            }
            else if (fromCatalogue)
            {
                var form = result.GetValue(selfSupervisedQuery) switch
                {
                    "span" => SelfSupervisedQuery.TitleSpan,
                    "words" => SelfSupervisedQuery.TitleWords,
                    "category" => SelfSupervisedQuery.Category,
                    _ => SelfSupervisedQuery.Title,
                };
                data = TrainingDataSources.SelfSupervised(catalogue, composer, new ProductTextOptions(), form, options.Seed, result.GetValue(spans));
                if (result.GetValue(negated) is > 0 and var negatedShare)
                {
                    data = TrainingDataSources.WithNegatedQueries(data, catalogue, negatedShare, options.Seed);
                }
            }
            else
            {
                var (judgedQueries, judgements, qrelsPath) = await judged.ReadAsync(result, productsPath, cancellationToken);
                if (result.GetValue(excludeFold) is { } fold)
                {
                    var k = result.GetValue(folds);
                    if (k < 2 || fold < 1 || fold > k)
                    {
                        throw new InputException($"--exclude-fold {fold}: give a fold from 1 to --folds ({k}), and --folds of 2 or more.");
                    }

                    var assigned = CrossValidation.AssignFolds([.. judgedQueries.Select(q => q.Id)], k, result.GetValue(foldSeed));
                    var kept = judgedQueries.Where((_, i) => assigned[i] != fold - 1).ToList();
                    foldRecord = new { folds = k, excludedFold = fold, foldSeed = result.GetValue(foldSeed), excludedQueries = judgedQueries.Count - kept.Count };
                    judgedQueries = kept;
                }

                data = TrainingDataSources.FromJudgements(catalogue, composer, judgedQueries, judgements, result.GetValue(minGain), $"judgements {Path.GetFileName(qrelsPath)} (gain >= {result.GetValue(minGain)})");
            }

            if (result.GetValue(mineNegatives) is var depth and not 0)
            {
                if (depth is < 0 or > 1_000 || result.GetValue(mineSkip) is < 0 or > 1_000)
                {
                    throw new InputException("--mine-negatives and --mine-skip take 0 to 1000.");
                }

                if (!options.JudgedHardNegatives)
                {
                    throw new InputException("--mine-negatives with --no-hard-negatives: mined negatives are hard negatives, and that option leaves them out; give one of the two.");
                }

                data = await MineNegativesAsync(data, catalogue, named is not null && !Directory.Exists(named) ? BundledModel.Find(named)?.Key : null, named is not null && Directory.Exists(named) ? named : null, depth, result.GetValue(mineSkip), cancellationToken);
            }

            await Console.Error.WriteLineAsync($"finetune: {source.Name} on {data.Pairs.Count} pairs ({data.Source}) from {data.Pairs.Select(p => p.QueryKey).Distinct().Count()} queries, {catalogue.Count} products; " +
                $"{options.Epochs} epoch(s), batch {options.BatchSize}, learning rate {options.LearningRate}, max length {options.MaxLength}, seed {options.Seed}");
            var graph = BertGraph.Read(source.OnnxPath);
            using var encoder = new BertEncoder(graph, source.Config, dropout: options.Dropout);
            var tokenizer = BertWordPieceTokenizer.FromVocabulary(source.VocabPath, source.Config.LowerCase);
            var tuner = new FineTuner(encoder, tokenizer, source.Config, options, source.Identity);
            var checkpointDirectory = result.GetValue(checkpoint) ?? outDirectory + ".checkpoint";
            var started = Stopwatch.StartNew();
            FineTuneResult run;
            try
            {
                run = await Task.Run(() => tuner.Train(data, checkpointDirectory, new StderrProgress(), cancellationToken), cancellationToken);
            }
            catch (ArgumentException ex)
            {
                throw new InputException(ex.Message.Split(" (Parameter", 2)[0]);
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"stopped; the checkpoint is kept in {checkpointDirectory}: run the same command to resume.");
                throw;
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("another run", StringComparison.Ordinal))
            {
                throw new InputException($"--checkpoint: {ex.Message}");
            }

            var record = new
            {
                baseModel = new { source.Name, source.Identity },
                data = new { data.Source, products = productsPath, catalogue = catalogue.Count, pairs = run.TrainingPairs, queries = run.TrainingQueries, validationQueries = run.ValidationQueries, fold = foldRecord },
                settings = options,
                metrics = new { baseValidationNdcg10 = run.BaseValidationNdcg, bestValidationNdcg10 = run.BestValidationNdcg, run.BestEpoch, epochs = run.Epochs, trainingSeconds = Math.Round(run.TrainingSeconds, 1), run.ResumedFromCheckpoint },
                createdAt = DateTimeOffset.UtcNow,
            };
            FineTunedModelFolder.Write(outDirectory, graph, encoder, source, record);
            Directory.Delete(checkpointDirectory, recursive: true);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(record, JsonOutput));
            }
            else
            {
                Console.WriteLine($"{source.Name} -> {outDirectory} in {started.Elapsed.TotalSeconds:0.0} s ({run.TrainingSeconds:0.0} s training)");
                foreach (var epoch in run.Epochs)
                {
                    Console.WriteLine($"  epoch {epoch.Epoch}: {epoch.Steps} steps, mean loss {epoch.MeanLoss:0.0000}{(epoch.ValidationNdcg is { } v ? $", validation nDCG@10 {v:0.0000}" : "")}, {epoch.Seconds:0.0} s");
                }

                if (run.BaseValidationNdcg is { } before)
                {
                    Console.WriteLine($"  validation nDCG@10 over {run.ValidationQueries} held-out queries: base {before:0.0000}, kept (epoch {run.BestEpoch}) {run.BestValidationNdcg:0.0000}");
                }

                Console.WriteLine($"  serve it: Embedding__ModelPath={outDirectory}, then reindex from the dashboard");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Embeds the catalogue with the base model (cached vectors reused), ranks every training query, and mines its negatives.</summary>
    private static async Task<TrainingData> MineNegativesAsync(TrainingData data, IReadOnlyList<Product> catalogue, string? bundledKey, string? folder, int depth, int skip, CancellationToken cancellationToken)
    {
        var defaults = new EmbeddingOptions();
        var embedder = new OnnxEmbedder(new EmbeddingOptions { Model = bundledKey ?? defaults.Model, ModelPath = folder });
        var cache = await EmbeddingCache.OpenAsync(CatalogueOptions.DefaultCacheDirectory(), embedder.Model.Identity, embedder.MaxLength, embedder.Dimensions, cancellationToken);
        using var embedded = new EmbeddedCatalogue(EmbeddedProductIndex.CreateInMemory(), embedder, catalogue, cache);
        var search = embedded.Evaluation;
        var bar = new ProgressLine(Console.Error, "mining: embedding catalogue");
        await search.IndexAsync(catalogue, new SynchronousProgress<CatalogueProgress>(bar.Report), cancellationToken);
        bar.Finish();
        var queries = data.Pairs.GroupBy(p => p.QueryKey, StringComparer.Ordinal).Select(g => new EvaluationQuery(g.Key, g.First().Query)).ToList();
        var rankings = await search.RankAsync(queries, depth + skip, SearchMode.Dense, cancellationToken: cancellationToken);
        var mined = TrainingDataSources.WithMinedNegatives(data, rankings, skip);
        await Console.Error.WriteLineAsync($"mining: {mined.Pairs.Count(p => p.Negative is not null) - data.Pairs.Count(p => p.Negative is not null)} pairs got a mined negative from the top {depth} of {queries.Count} queries ({embedder.Model.Name})");
        return mined;
    }

    private static string OptionName(string? setting) => setting switch
    {
        nameof(FineTuneOptions.LearningRate) => "--learning-rate",
        nameof(FineTuneOptions.BatchSize) => "--batch-size",
        nameof(FineTuneOptions.WarmupFraction) => "--warmup",
        nameof(FineTuneOptions.Scale) => "--scale",
        nameof(FineTuneOptions.MaxLength) => "--max-length",
        nameof(FineTuneOptions.ValidationFraction) => "--validation",
        nameof(FineTuneOptions.Epochs) => "--epochs",
        nameof(FineTuneOptions.Patience) => "--patience",
        nameof(FineTuneOptions.ValidationCatalogueSample) => "--validation-sample",
        nameof(FineTuneOptions.Threads) => "--threads",
        _ => setting ?? "an option",
    };

    /// <summary>One line on stderr at most every two seconds, and at each phase change.</summary>
    private sealed class StderrProgress : IProgress<FineTuneProgress>
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private string _phase = "";

        public void Report(FineTuneProgress value)
        {
            if (value.Phase == _phase && _since.Elapsed < TimeSpan.FromSeconds(2) && value.Step != value.Steps)
            {
                return;
            }

            _phase = value.Phase;
            _since.Restart();
            var line = value.Phase switch
            {
                "training" => $"epoch {value.Epoch}/{value.Epochs} step {value.Step}/{value.Steps} loss {value.Loss:0.0000} {value.PairsPerSecond:0.0} pairs/s, about {value.Remaining:hh\\:mm\\:ss} left",
                "epoch done" when value.ValidationNdcg is { } ndcg => $"epoch {value.Epoch} done: mean loss {value.Loss:0.0000}, validation nDCG@10 {ndcg:0.0000}",
                "epoch done" => $"epoch {value.Epoch} done: mean loss {value.Loss:0.0000}",
                _ => $"{value.Phase} (embedding the catalogue with the current weights)",
            };
            Console.Error.WriteLine(line);
        }
    }
}
