using System.Diagnostics;
using VectorIndexer.Core;
using VectorIndexer.Embedding;

namespace VectorIndexer.Cli.Benchmarks;

/// <summary>One measured configuration of an embedding run.</summary>
public sealed record EmbedMeasurement(
    string Name,
    int Texts,
    long Tokens,
    TimeSpan Wall,
    EmbedderStatistics? Statistics,
    long PeakWorkingSetBytes)
{
    public double TextsPerSecond => Texts / Wall.TotalSeconds;

    public double TokensPerSecond => Tokens / Wall.TotalSeconds;
}

/// <summary>
/// The embedding benchmark shared by <c>vectorindexer bench embed</c> and the peer comparison in
/// tools/VectorIndexer.Benchmarks: real products, composed as the service composes them.
/// </summary>
public static class EmbedBenchmark
{
    /// <summary>Composes the first <paramref name="count"/> products of an ESCI-SRW file into texts (or takes their titles).</summary>
    public static async Task<List<string>> LoadTextsAsync(string productsPath, int count, bool titlesOnly, CancellationToken cancellationToken)
    {
        var composer = new ProductTextComposer();
        var products = await EsciCatalog.ReadAsync(productsPath, count, cancellationToken);
        return products.Select(p => titlesOnly ? p.Title : composer.Compose(p)).ToList();
    }

    /// <summary>
    /// Embeds all texts <paramref name="repeat"/> times after a warm-up and keeps the fastest run
    /// (the least disturbed by other work on a shared machine).
    /// </summary>
    public static async Task<EmbedMeasurement> MeasureAsync(string name, OnnxEmbedder embedder, IReadOnlyList<string> texts, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(texts);
        await embedder.EmbedAsync(texts.Take(Math.Min(64, texts.Count)).ToList(), cancellationToken: cancellationToken);
        EmbedMeasurement? best = null;
        for (var run = 0; run < repeat; run++)
        {
            var before = embedder.Statistics;
            var stopwatch = Stopwatch.StartNew();
            await embedder.EmbedAsync(texts, cancellationToken: cancellationToken);
            stopwatch.Stop();
            var statistics = embedder.Statistics.Minus(before);
            var measurement = new EmbedMeasurement(name, texts.Count, statistics.Tokens, stopwatch.Elapsed, statistics, Process.GetCurrentProcess().PeakWorkingSet64);
            if (best is null || measurement.Wall < best.Wall)
            {
                best = measurement;
            }
        }

        return best!;
    }

    /// <summary>Times any other encoder over the same texts, fastest of <paramref name="repeat"/> runs.</summary>
    public static EmbedMeasurement MeasurePeer(string name, Action<IReadOnlyList<string>> encode, IReadOnlyList<string> texts, long tokens, int repeat)
    {
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(texts);
        encode(texts.Take(Math.Min(64, texts.Count)).ToList());
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < repeat; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            encode(texts);
            best = stopwatch.Elapsed < best ? stopwatch.Elapsed : best;
        }

        return new EmbedMeasurement(name, texts.Count, tokens, best, null, Process.GetCurrentProcess().PeakWorkingSet64);
    }

    public static string TableHeader =>
        "| configuration | texts/s | tokens/s | wall s | padded/real tokens | in ONNX Runtime | tokenize | prepare+pool | peak RSS MiB |\n" +
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    public static string TableRow(EmbedMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var s = m.Statistics;
        string Share(TimeSpan part) => s is null ? "–" : EsciCatalog.Format(100 * (part / (s.Tokenization + s.PrepareAndPool + s.Inference)), "0.0") + " %";
        return $"| {m.Name} | {EsciCatalog.Format(m.TextsPerSecond)} | {EsciCatalog.Format(m.TokensPerSecond, "0")} | {EsciCatalog.Format(m.Wall.TotalSeconds, "0.00")} | " +
               $"{(s is null ? "–" : EsciCatalog.Format((double)s.PaddedTokens / s.Tokens, "0.00"))} | " +
               $"{(s is null ? "–" : Share(s.Inference))} | {(s is null ? "–" : Share(s.Tokenization))} | {(s is null ? "–" : Share(s.PrepareAndPool))} | " +
               $"{EsciCatalog.Format(m.PeakWorkingSetBytes / 1048576.0, "0")} |";
    }
}
