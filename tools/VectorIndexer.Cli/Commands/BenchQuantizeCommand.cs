using System.CommandLine;
using Microsoft.Extensions.Logging;
using System.Numerics.Tensors;
using VectorIndexer.Cli.Benchmarks;
using VectorIndexer.Embedding;
using VectorIndexer.Embedding.Quantization;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>bench quantize</c>: how close int8 vectors stay to fp32 ones, with every layer quantized and
/// with each layer (or group of layers) left in fp32, to find the layers that cost quality.
/// </summary>
internal static class BenchQuantizeCommand
{
    public static Command Create()
    {
        var engine = new EngineOptions();
        var products = new Option<string?>("--products") { Description = "ESCI-SRW products.jsonl (default: ../shared/data/esci-srw/products.jsonl found above the working folder)." };
        var count = new Option<int>("--count", "-n") { Description = "Products to embed.", DefaultValueFactory = _ => 200 };
        var perLayer = new Option<bool>("--per-layer") { Description = "Also one row per layer left in fp32 (37 quantizations for MiniLM)." };
        var exclude = new Option<string[]>("--exclude") { Description = "Layers every variant keeps in fp32 (as for quantize --exclude).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("quantize", "Mean and worst cosine of int8 against fp32 vectors of N real products: all layers int8, groups of layers and (--per-layer) each layer kept in fp32.")
        {
            products, count, perLayer, exclude,
        };
        engine.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = engine.CreateLoggerFactory(result);
            return await CommandErrors.RunAsync(async () =>
            {
                var path = EsciCatalog.RequireProductsFile(result.GetValue(products));
                var texts = await EmbedBenchmark.LoadTextsAsync(path, result.GetValue(count), titlesOnly: false, cancellationToken);
                var options = engine.Read(result);
                var source = EmbeddingModel.Open(options.ModelPath);
                float[][] reference;
                using (var fp32 = new OnnxEmbedder(options, loggers.CreateLogger<OnnxEmbedder>()))
                {
                    reference = await fp32.EmbedAsync(texts, cancellationToken: cancellationToken);
                }

                var always = (result.GetValue(exclude) ?? []).SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                var scratch = Directory.CreateTempSubdirectory("vectorindexer-quantize-").FullName;
                try
                {
                    var all = QuantizedModelFolder.Write(source, Path.Combine(scratch, "probe"), new QuantizationOptions { Exclude = always });
                    var variants = new List<(string Name, string[] Exclude)>
                    {
                        ("all layers int8", []),
                        ("attention q/k/v fp32", ["*.attention.self.*"]),
                        ("attention output fp32", ["*.attention.output.dense"]),
                        ("FFN in (intermediate) fp32", ["*.intermediate.dense"]),
                        ("FFN out fp32", ["*.output.dense"]),
                        ("last layer fp32", [LastLayerPattern(all)]),
                        ("first layer fp32", ["encoder.layer.0.*"]),
                    };
                    if (result.GetValue(perLayer))
                    {
                        variants.AddRange(all.Quantized.Select(l => ($"{l.Label} fp32", new[] { l.Label })));
                    }

                    Console.WriteLine($"{texts.Count} products of {path}; fp32 {source.Name} against int8 ({Environment.ProcessorCount} processors)");
                    Console.WriteLine("| variant | int8 layers | mean cosine | min cosine | texts/s |");
                    Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
                    foreach (var (name, patterns) in variants)
                    {
                        var folder = Path.Combine(scratch, "variant");
                        var report = QuantizedModelFolder.Write(source, folder, new QuantizationOptions { Exclude = [.. always, .. patterns] });
                        using var int8 = new OnnxEmbedder(CopyWithModel(options, folder), loggers.CreateLogger<OnnxEmbedder>());
                        var started = System.Diagnostics.Stopwatch.StartNew();
                        var vectors = await int8.EmbedAsync(texts, cancellationToken: cancellationToken);
                        var rate = texts.Count / started.Elapsed.TotalSeconds;
                        var cosines = vectors.Select((v, i) => TensorPrimitives.CosineSimilarity(v, reference[i])).ToArray();
                        Console.WriteLine($"| {name} | {report.Quantized.Count} | {EsciCatalog.Format(cosines.Average(), "0.00000")} | {EsciCatalog.Format(cosines.Min(), "0.00000")} | {EsciCatalog.Format(rate)} |");
                    }
                }
                finally
                {
                    Directory.Delete(scratch, recursive: true);
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static string LastLayerPattern(QuantizationReport report)
    {
        var last = report.Quantized.Select(l => l.Label).LastOrDefault(l => l.StartsWith("encoder.layer.", StringComparison.Ordinal));
        return last is null ? "encoder.layer.*" : string.Join('.', last.Split('.').Take(3)) + ".*";
    }

    private static EmbeddingOptions CopyWithModel(EmbeddingOptions options, string modelPath) => new()
    {
        ModelPath = modelPath,
        Device = options.Device,
        MaxLength = options.MaxLength,
        MaxBatchSize = options.MaxBatchSize,
        MaxTokensPerBatch = options.MaxTokensPerBatch,
        IntraOpThreads = options.IntraOpThreads,
        Concurrency = options.Concurrency,
        SortWindow = options.SortWindow,
    };
}
