using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VectorIndexer.Cli.Benchmarks;
using VectorIndexer.Embedding;

namespace VectorIndexer.Cli.Commands;

/// <summary><c>bench</c>: benchmarks of the engine (not timed tests: numbers for docs/benchmarks.md).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks. Results go to stdout as a Markdown table (or JSON with --json).");
        command.Subcommands.Add(CreateEmbed());
        command.Subcommands.Add(BenchIndexCommand.Create());
        command.Subcommands.Add(BenchReindexCommand.Create());
        command.Subcommands.Add(BenchQuantizeCommand.Create());
        command.Subcommands.Add(BenchNeighboursCommand.Create());
        return command;
    }

    private static Command CreateEmbed()
    {
        var engine = new EngineOptions();
        var products = new Option<string?>("--products") { Description = "ESCI-SRW products.jsonl (default: ../shared/data/esci-srw/products.jsonl found above the working folder)." };
        var count = new Option<int>("--count", "-n") { Description = "Products to embed.", DefaultValueFactory = _ => 2000 };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs; the fastest is reported.", DefaultValueFactory = _ => 3 };
        var sweep = new Option<bool>("--sweep") { Description = "Try batch sizes, token budgets and thread layouts, and print one row each." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a Markdown table." };
        var titles = new Option<bool>("--titles") { Description = "Embed product titles only (short texts, like queries) instead of full product texts." };
        var comparePrecision = new Option<bool>("--compare-precision") { Description = "Run every configuration in fp32 and in int8, alternating run by run, and print the int8/fp32 ratio." };
        var command = new Command("embed", "Embed N real products and report texts/s, tokens/s and where the time goes.") { products, count, repeat, sweep, json, titles, comparePrecision };
        engine.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var n = result.GetValue(count);
            var runs = result.GetValue(repeat);
            if (n < 1 || runs < 1)
            {
                await Console.Error.WriteLineAsync("error: --count and --repeat must be at least 1.");
                return ExitCodes.InvalidInput;
            }

            using var loggers = engine.CreateLoggerFactory(result);
            return await CommandErrors.RunAsync(async () =>
            {
                var path = EsciCatalog.RequireProductsFile(result.GetValue(products));
                var texts = await EmbedBenchmark.LoadTextsAsync(path, n, result.GetValue(titles), cancellationToken);
                await Console.Error.WriteLineAsync($"{texts.Count} products from {path}; {Environment.ProcessorCount} processors");
                var baseOptions = engine.Read(result);
                var configurations = result.GetValue(sweep) ? Sweep(baseOptions) : [baseOptions];
                var measurements = new List<EmbedMeasurement>();
                if (!result.GetValue(json))
                {
                    Console.WriteLine(EmbedBenchmark.TableHeader);
                }

                if (result.GetValue(comparePrecision))
                {
                    foreach (var options in configurations)
                    {
                        var pair = await PrecisionComparison.MeasureAsync(options, texts, runs, loggers, cancellationToken);
                        measurements.AddRange([pair.Fp32, pair.Int8]);
                        if (!result.GetValue(json))
                        {
                            Console.WriteLine(EmbedBenchmark.TableRow(pair.Fp32));
                            Console.WriteLine(EmbedBenchmark.TableRow(pair.Int8));
                            Console.WriteLine($"| int8 / fp32 | {EsciCatalog.Format(pair.Int8.TextsPerSecond / pair.Fp32.TextsPerSecond, "0.00")}x | {EsciCatalog.Format(pair.Int8.TokensPerSecond / pair.Fp32.TokensPerSecond, "0.00")}x | | | | | | |");
                        }
                    }

                    configurations = [];
                }

                foreach (var options in configurations)
                {
                    using var embedder = new OnnxEmbedder(options, loggers.CreateLogger<OnnxEmbedder>());
                    var name = $"VectorIndexer {embedder.ExecutionProvider.Replace("ExecutionProvider", string.Empty, StringComparison.Ordinal)}: batch ≤ {options.MaxBatchSize}, ≤ {options.MaxTokensPerBatch} tokens, {embedder.Concurrency} × {options.IntraOpThreads} threads";
                    var measurement = await EmbedBenchmark.MeasureAsync(name, embedder, texts, runs, cancellationToken);
                    measurements.Add(measurement);
                    if (!result.GetValue(json))
                    {
                        Console.WriteLine(EmbedBenchmark.TableRow(measurement));
                    }
                }

                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(measurements.Select(m => new
                    {
                        m.Name,
                        m.Texts,
                        m.Tokens,
                        WallSeconds = m.Wall.TotalSeconds,
                        m.TextsPerSecond,
                        m.TokensPerSecond,
                        OverheadShare = m.Statistics?.OverheadShare,
                        PaddedTokens = m.Statistics?.PaddedTokens,
                        m.PeakWorkingSetBytes,
                    })));
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static List<EmbeddingOptions> Sweep(EmbeddingOptions baseOptions)
    {
        var processors = Environment.ProcessorCount;
        var layouts = new List<(int Concurrency, int Threads)> { (processors, 1), (1, processors) };
        var list = new List<EmbeddingOptions>();
        foreach (var (concurrency, threads) in layouts.Distinct())
        {
            foreach (var batch in new[] { 1, 4, 8, 16 })
            {
                foreach (var tokens in new[] { 256, 512, 2048 })
                {
                    if (tokens < baseOptions.MaxLength)
                    {
                        continue;
                    }

                    list.Add(new EmbeddingOptions
                    {
                        ModelPath = baseOptions.ModelPath,
                        Device = baseOptions.Device,
                        Precision = baseOptions.Precision,
                        MaxLength = baseOptions.MaxLength,
                        MaxBatchSize = batch,
                        MaxTokensPerBatch = tokens,
                        Concurrency = concurrency,
                        IntraOpThreads = threads,
                    });
                }
            }
        }

        return list;
    }
}
