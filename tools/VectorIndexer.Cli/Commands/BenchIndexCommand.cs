using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>bench index</c>: the embedded product index on synthetic data. Random unit vectors, about
/// 100 brands (so <c>brand = X</c> keeps about 1 %), prices spread over 0–100; reports insert
/// throughput, reopen time and search latency percentiles, one Markdown row per size.
/// </summary>
internal static class BenchIndexCommand
{
    private const int WarmUpQueries = 50;

    public static Command Create()
    {
        var counts = new Option<int[]>("--count", "-n") { Description = "Products per run; one run (and one row) each.", DefaultValueFactory = _ => [10_000, 100_000], AllowMultipleArgumentsPerToken = true };
        var queries = new Option<int>("--queries") { Description = "Timed queries per kind, after a warm-up.", DefaultValueFactory = _ => 1000 };
        var dimensions = new Option<int>("--dimensions") { Description = "Vector length.", DefaultValueFactory = _ => 384 };
        var brands = new Option<int>("--brands") { Description = "Distinct brands (a brand filter keeps about 1/brands).", DefaultValueFactory = _ => 100 };
        var batchSize = new Option<int>("--batch-size") { Description = "Records per upsert (one transaction each).", DefaultValueFactory = _ => 1000 };
        var durable = new Option<bool>("--durable") { Description = "Write through SQLite (WAL, synchronous=FULL) in a temporary folder and time a reopen; default: the memory-only mode." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 7 };
        var command = new Command("index", "Benchmark the embedded product index: insert throughput and top-10 search latency, unfiltered and filtered.")
        {
            counts, queries, dimensions, brands, batchSize, durable, seed,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new Settings(
                result.GetValue(queries),
                result.GetValue(dimensions),
                result.GetValue(brands),
                result.GetValue(batchSize),
                result.GetValue(durable),
                result.GetValue(seed));
            var sizes = result.GetValue(counts) ?? [];
            if (sizes.Length == 0 || sizes.Any(n => n < 1) || settings.Queries < 1 || settings.Dimensions < 1 || settings.Brands < 1 || settings.BatchSize < 1)
            {
                await Console.Error.WriteLineAsync("error: --count, --queries, --dimensions, --brands and --batch-size must be at least 1.");
                return ExitCodes.InvalidInput;
            }

            try
            {
                await Console.Error.WriteLineAsync($"{Environment.ProcessorCount} processors, {settings.Dimensions} dimensions, {settings.Brands} brands, {(settings.Durable ? "SQLite synchronous=FULL" : "memory only")}");
                Console.WriteLine("| products | store | insert records/s | reopen s | unfiltered p50 / p95 / p99 ms | brand = X (≈1 %) p50 / p95 / p99 ms | price 25–75 (≈50 %) p50 / p95 / p99 ms | managed heap MiB |");
                Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
                foreach (var n in sizes)
                {
                    Console.WriteLine(await RunAsync(n, settings, cancellationToken));
                }

                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Cancelled;
            }
        });
        return command;
    }

    private static async Task<string> RunAsync(int count, Settings settings, CancellationToken cancellationToken)
    {
        var random = new Random(settings.Seed);
        var directory = settings.Durable ? Path.Combine(Path.GetTempPath(), "vectorindexer-bench-" + Guid.NewGuid().ToString("N")) : null;
        EmbeddedProductIndex index;
        TimeSpan inserting;
        var reopen = "–";
        if (directory is null)
        {
            index = EmbeddedProductIndex.CreateInMemory();
            inserting = await FillAsync(index, count, settings, random, cancellationToken);
        }
        else
        {
            // Written by one instance, then timed while a fresh one loads it, as a restarted process would.
            inserting = await WriteDurablyAsync(directory, count, settings, random, cancellationToken);
            var stopwatch = Stopwatch.StartNew();
            index = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = directory });
            reopen = EsciCatalog.Format(stopwatch.Elapsed.TotalSeconds, "0.0");
        }

        try
        {
            var brand = (Random r) => ProductFilter.Equal(ProductSchema.Brand, $"brand-{r.Next(settings.Brands)}");
            var unfiltered = await MeasureAsync(index, settings, random, _ => null, cancellationToken);
            var byBrand = await MeasureAsync(index, settings, random, brand, cancellationToken);
            var byPrice = await MeasureAsync(index, settings, random, _ => ProductFilter.Range(ProductSchema.Price, 25, 75), cancellationToken);
            var heap = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            return $"| {EsciCatalog.Format(count, "#,0")} | {(directory is null ? "memory only" : "SQLite FULL")} | {EsciCatalog.Format(count / inserting.TotalSeconds, "0")} | {reopen} | {unfiltered} | {byBrand} | {byPrice} | {EsciCatalog.Format(heap, "0")} |";
        }
        finally
        {
            index.Dispose();
            if (directory is not null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<TimeSpan> WriteDurablyAsync(string directory, int count, Settings settings, Random random, CancellationToken cancellationToken)
    {
        using var writer = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = directory, Synchronous = EmbeddedSynchronousMode.Full });
        return await FillAsync(writer, count, settings, random, cancellationToken);
    }

    /// <summary>Creates a live generation and upserts <paramref name="count"/> products in batches; returns the time spent in upserts.</summary>
    private static async Task<TimeSpan> FillAsync(EmbeddedProductIndex index, int count, Settings settings, Random random, CancellationToken cancellationToken)
    {
        var generation = await index.CreateGenerationAsync(new IndexModel("bench", settings.Dimensions), cancellationToken);
        await index.ActivateGenerationAsync(generation.Name, cancellationToken);
        var inserting = TimeSpan.Zero;
        for (var start = 0; start < count; start += settings.BatchSize)
        {
            var batch = Enumerable.Range(start, Math.Min(settings.BatchSize, count - start)).Select(i => CreateRecord(i, random, settings)).ToList();
            var stopwatch = Stopwatch.StartNew();
            await index.UpsertAsync(null, batch, cancellationToken);
            inserting += stopwatch.Elapsed;
        }

        return inserting;
    }

    /// <summary>Latency percentiles of top-10 searches with a random query and the given filter.</summary>
    private static async Task<string> MeasureAsync(EmbeddedProductIndex index, Settings settings, Random random, Func<Random, ProductFilter?> filter, CancellationToken cancellationToken)
    {
        var latencies = new double[settings.Queries];
        for (var i = -WarmUpQueries; i < settings.Queries; i++)
        {
            var query = new ProductQuery(RandomUnitVector(random, settings.Dimensions), filter(random), Limit: 10);
            var stopwatch = Stopwatch.StartNew();
            var hits = (await index.SearchAsync(null, query, cancellationToken)).Hits;
            var elapsed = stopwatch.Elapsed.TotalMilliseconds;
            if (hits.Count == 0)
            {
                throw new InvalidOperationException("A benchmark query found nothing.");
            }

            if (i >= 0)
            {
                latencies[i] = elapsed;
            }
        }

        Array.Sort(latencies);
        string At(double quantile) => EsciCatalog.Format(latencies[(int)Math.Round(quantile * (latencies.Length - 1))], "0.00");
        return $"{At(0.50)} / {At(0.95)} / {At(0.99)}";
    }

    private static IndexRecord CreateRecord(int i, Random random, Settings settings)
    {
        var product = new Product
        {
            Id = $"bench-{i:D8}",
            Title = $"Benchmark product {i}",
            Brand = $"brand-{random.Next(settings.Brands)}",
            Category = ["Catalogue", $"Department {random.Next(20)}"],
            Price = random.Next(0, 10_000) / 100m,
            InStock = random.Next(4) != 0,
        };
        return new IndexRecord(product, RandomUnitVector(random, settings.Dimensions), $"hash-{i}");
    }

    private static float[] RandomUnitVector(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    private sealed record Settings(int Queries, int Dimensions, int Brands, int BatchSize, bool Durable, int Seed);
}
