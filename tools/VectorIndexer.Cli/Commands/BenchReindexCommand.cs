using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Worker;
using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>bench reindex</c>: the worker's full reindex of a real catalogue on the embedded index,
/// against the embedder alone on the same texts, then again after 1 % of the products changed.
/// </summary>
internal static class BenchReindexCommand
{
    public static Command Create()
    {
        var engine = new EngineOptions();
        var products = new Option<string?>("--products") { Description = "ESCI-SRW products.jsonl (default: ../shared/data/esci-srw/products.jsonl found above the working folder)." };
        var count = new Option<int>("--count", "-n") { Description = "Products to index (default: all).", DefaultValueFactory = _ => int.MaxValue };
        var changed = new Option<double>("--changed") { Description = "Share of products changed before the incremental run.", DefaultValueFactory = _ => 0.01 };
        var command = new Command("reindex", "Full reindex through the worker's job (feed -> embed -> embedded index -> switch), its throughput against the embedder alone, and an incremental rerun.") { products, count, changed };
        engine.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = engine.CreateLoggerFactory(result);
            return await CommandErrors.RunAsync(async () =>
            {
                var path = EsciCatalog.RequireProductsFile(result.GetValue(products));
                var work = Directory.CreateTempSubdirectory("vectorindexer-bench-reindex-");
                try
                {
                    await RunAsync(path, result.GetValue(count), result.GetValue(changed), engine.Read(result), loggers, work.FullName, cancellationToken);
                }
                finally
                {
                    work.Delete(recursive: true);
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task RunAsync(string path, int count, double changedShare, EmbeddingOptions embedding, ILoggerFactory loggers, string work, CancellationToken cancellationToken)
    {
        var feed = Path.Combine(work, "feed-v1.jsonl");
        var lines = File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Take(count).ToList();
        await File.WriteAllLinesAsync(feed, lines, cancellationToken);
        var products = await EsciCatalog.ReadAsync(feed, int.MaxValue, cancellationToken);
        var composer = new ProductTextComposer();
        var texts = products.ConvertAll(composer.Compose);

        using var embedder = new OnnxEmbedder(embedding, loggers.CreateLogger<OnnxEmbedder>());
        await embedder.EmbedAsync(texts.Take(32).ToList(), cancellationToken: cancellationToken);
        await Console.Error.WriteLineAsync($"{products.Count} products; embedding them alone …");
        var alone = Stopwatch.StartNew();
        await embedder.EmbedAsync(texts, cancellationToken: cancellationToken);
        alone.Stop();

        var options = Options.Create(new WorkerOptions { DataDirectory = work });
        using var index = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = Path.Combine(work, "index") });
        var timed = new TimedEmbedder(new OnnxProductEmbedder(embedder));
        var indexer = new ProductIndexer(timed, composer, index, options);
        var batches = new PendingBatchStore(Path.Combine(work, "batches.db"));
        var applier = new BatchApplier(indexer, index, batches);
        var statuses = new JobStatusStore(Path.Combine(work, "jobs.db"));
        var context = new JobContextAccessor();
        var source = new CatalogFeedSource(new ConfigurationBuilder().Build());
        FullReindexJob Job() => new(source, indexer, index, batches, applier, statuses, context, options, loggers.CreateLogger<FullReindexJob>());

        await Console.Error.WriteLineAsync("full reindex …");
        context.JobId = "bench-full";
        var full = Stopwatch.StartNew();
        await Job().RunAsync(feed, "esci", cancellationToken);
        full.Stop();
        var fullEmbed = timed.Elapsed;
        var fullEmbedded = timed.Texts;

        // Change the titles of a share of the products, keep the rest byte for byte.
        var changedFeed = Path.Combine(work, "feed-v2.jsonl");
        var every = Math.Max(1, (int)Math.Round(1 / Math.Clamp(changedShare, 0.0001, 1)));
        var rewritten = lines.Select((line, i) =>
        {
            if (i % every != 0)
            {
                return line;
            }

            var node = JsonNode.Parse(line)!.AsObject();
            node["title"] = node["title"]!.GetValue<string>() + " (new edition)";
            return node.ToJsonString();
        });
        await File.WriteAllLinesAsync(changedFeed, rewritten, cancellationToken);
        var changedCount = (lines.Count + every - 1) / every;

        await Console.Error.WriteLineAsync($"incremental reindex ({changedCount} changed) …");
        timed.Reset();
        context.JobId = "bench-incremental";
        var incremental = Stopwatch.StartNew();
        await Job().RunAsync(changedFeed, "esci", cancellationToken);
        incremental.Stop();

        var live = await index.CountAsync(null, null, cancellationToken);
        double Rate(TimeSpan t) => products.Count / t.TotalSeconds;
        Console.WriteLine($"{products.Count} products, {embedder.ExecutionProvider}, {Environment.ProcessorCount} processors; live generation holds {live}");
        Console.WriteLine();
        Console.WriteLine("| run | wall s | products/s | embedded | time embedding | vs embedder alone |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine($"| embedder alone (same texts) | {EsciCatalog.Format(alone.Elapsed.TotalSeconds, "0.0")} | {EsciCatalog.Format(Rate(alone.Elapsed))} | {products.Count} | 100 % | 1.00 |");
        Console.WriteLine($"| full reindex (worker job) | {EsciCatalog.Format(full.Elapsed.TotalSeconds, "0.0")} | {EsciCatalog.Format(Rate(full.Elapsed))} | {fullEmbedded} | {EsciCatalog.Format(100 * fullEmbed / full.Elapsed, "0.0")} % | {EsciCatalog.Format(alone.Elapsed / full.Elapsed, "0.00")} |");
        Console.WriteLine($"| reindex after {EsciCatalog.Format(100.0 / every, "0.##")} % changed | {EsciCatalog.Format(incremental.Elapsed.TotalSeconds, "0.0")} | {EsciCatalog.Format(Rate(incremental.Elapsed))} | {timed.Texts} | {EsciCatalog.Format(100 * timed.Elapsed / incremental.Elapsed, "0.0")} % | {EsciCatalog.Format(alone.Elapsed / incremental.Elapsed, "0.00")} |");
    }

    /// <summary>Measures the wall time spent inside the embedder.</summary>
    private sealed class TimedEmbedder(IProductEmbedder inner) : IProductEmbedder
    {
        private long _ticks;
        private int _texts;

        public IndexModel Model => inner.Model;

        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

        public int Texts => Volatile.Read(ref _texts);

        public void Reset()
        {
            Interlocked.Exchange(ref _ticks, 0);
            Interlocked.Exchange(ref _texts, 0);
        }

        public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                return await inner.EmbedAsync(texts, cancellationToken);
            }
            finally
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
                Interlocked.Add(ref _texts, texts.Count);
            }
        }
    }
}
