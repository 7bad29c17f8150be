using System.CommandLine;
using System.Diagnostics;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>bench neighbours</c>: the neighbours export (blocked all-pairs products over a snapshot)
/// against its peer, one similar-to search per product through the search path, on the same
/// generation in the same run.
/// </summary>
internal static class BenchNeighboursCommand
{
    public static Command Create()
    {
        var engine = new EngineOptions();
        var catalogue = new CatalogueOptions();
        var synthetic = new Option<int?>("--synthetic") { Description = "Use this many random unit vectors instead of the catalogue (no model run)." };
        var dimensions = new Option<int>("--dimensions") { Description = "Synthetic vector length (default 384).", DefaultValueFactory = _ => 384 };
        var k = new Option<int>("--k") { Description = "Neighbours per product (default 20).", DefaultValueFactory = _ => 20 };
        var repeat = new Option<int>("--repeat") { Description = "Timed export runs; the fastest is reported (default 3).", DefaultValueFactory = _ => 3 };
        var peerSample = new Option<int>("--peer-sample") { Description = "Products the peer searches for (evenly spread); its time is scaled to all products when fewer (default: all up to 10,000).", DefaultValueFactory = _ => 10_000 };
        var command = new Command("neighbours", "Time the neighbours export against one similar-to search per product.")
        {
            synthetic, dimensions, k, repeat, peerSample,
        };
        catalogue.AddTo(command, engine);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = engine.CreateLoggerFactory(result);
            return await CommandErrors.RunAsync(async () =>
            {
                var request = new NeighbourRequest(result.GetValue(k));
                request.ThrowIfInvalid();
                IDisposable owned;
                EmbeddedProductIndex index;
                string source;
                if (result.GetValue(synthetic) is { } count)
                {
                    index = await SyntheticAsync(count, result.GetValue(dimensions), cancellationToken);
                    (owned, source) = (index, $"{count:N0} random vectors of {result.GetValue(dimensions)} dimensions");
                }
                else
                {
                    var embedded = await catalogue.EmbedAsync(result, engine, loggers, "bench neighbours", cancellationToken);
                    (owned, index, source) = (embedded, embedded.Index, $"{embedded.Products.Count:N0} products, {embedded.Embedder.Model.Name}");
                }

                using (owned)
                {
                    var ids = new List<string>();
                    var best = TimeSpan.MaxValue;
                    for (var run = 0; run < Math.Max(1, result.GetValue(repeat)); run++)
                    {
                        ids.Clear();
                        var stopwatch = Stopwatch.StartNew();
                        await foreach (var item in index.NeighboursAsync(null, request, cancellationToken))
                        {
                            ids.Add(item.Product.Id);
                        }

                        best = stopwatch.Elapsed < best ? stopwatch.Elapsed : best;
                        await Console.Error.WriteLineAsync($"export run {run + 1}: {EsciCatalog.Format(stopwatch.Elapsed.TotalSeconds, "0.000")} s");
                    }

                    var sample = Math.Clamp(result.GetValue(peerSample), 1, ids.Count);
                    var step = (double)ids.Count / sample;
                    var peer = Stopwatch.StartNew();
                    for (var i = 0; i < sample; i++)
                    {
                        await index.SearchAsync(null, ProductQuery.Similar(ids[(int)(i * step)], limit: request.K), cancellationToken);
                    }

                    var peerTotal = peer.Elapsed.TotalSeconds * ids.Count / sample;
                    Console.WriteLine("| Source | Products | k | Export (s) | Per-product similar-to searches (s) | Export speed-up |");
                    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
                    Console.WriteLine($"| {source} | {ids.Count:N0} | {request.K} | {EsciCatalog.Format(best.TotalSeconds, "0.00")} | {EsciCatalog.Format(peerTotal, "0.0")}{(sample < ids.Count ? $" (scaled from {sample:N0})" : string.Empty)} | {EsciCatalog.Format(peerTotal / best.TotalSeconds, "0.0")}× |");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task<EmbeddedProductIndex> SyntheticAsync(int count, int dimensions, CancellationToken cancellationToken)
    {
        if (count < 2 || dimensions < 1)
        {
            throw new InputException("--synthetic needs at least 2 vectors and --dimensions at least 1.");
        }

        var index = EmbeddedProductIndex.CreateInMemory();
        var generation = await index.CreateGenerationAsync(new IndexModel("synthetic", dimensions), cancellationToken);
        await index.ActivateGenerationAsync(generation.Name, cancellationToken);
        var random = new Random(17);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(4096))
        {
            var records = chunk.Select(i =>
            {
                var vector = new float[dimensions];
                for (var d = 0; d < dimensions; d++)
                {
                    vector[d] = (float)random.NextDouble() - 0.5f;
                }

                return new IndexRecord(new Product { Id = $"s{i:D7}", Title = $"synthetic {i}" }, vector, "h");
            }).ToList();
            await index.UpsertAsync(null, records, cancellationToken);
        }

        return index;
    }
}
