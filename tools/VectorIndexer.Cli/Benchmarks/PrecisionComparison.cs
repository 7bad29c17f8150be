using Microsoft.Extensions.Logging;
using VectorIndexer.Embedding;

namespace VectorIndexer.Cli.Benchmarks;

/// <summary>
/// fp32 against int8 on the same texts in one process: both engines loaded side by side, runs
/// alternating (fp32, int8, fp32, …) so that other load on a shared machine falls on both alike,
/// the fastest run of each kept.
/// </summary>
public static class PrecisionComparison
{
    public static async Task<(EmbedMeasurement Fp32, EmbedMeasurement Int8)> MeasureAsync(EmbeddingOptions options, IReadOnlyList<string> texts, int repeat, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        using var fp32 = new OnnxEmbedder(With(options, EmbeddingPrecision.Fp32), loggers.CreateLogger<OnnxEmbedder>());
        using var int8 = new OnnxEmbedder(With(options, EmbeddingPrecision.Int8), loggers.CreateLogger<OnnxEmbedder>());
        EmbedMeasurement? bestFp32 = null, bestInt8 = null;
        for (var run = 0; run < repeat; run++)
        {
            var a = await EmbedBenchmark.MeasureAsync(Name(fp32, options), fp32, texts, 1, cancellationToken);
            var b = await EmbedBenchmark.MeasureAsync(Name(int8, options), int8, texts, 1, cancellationToken);
            bestFp32 = bestFp32 is null || a.Wall < bestFp32.Wall ? a : bestFp32;
            bestInt8 = bestInt8 is null || b.Wall < bestInt8.Wall ? b : bestInt8;
        }

        return (bestFp32!, bestInt8!);
    }

    private static string Name(OnnxEmbedder embedder, EmbeddingOptions options) =>
        $"{embedder.Model.Name} {embedder.ExecutionProvider.Replace("ExecutionProvider", string.Empty, StringComparison.Ordinal)}: batch ≤ {options.MaxBatchSize}, ≤ {options.MaxTokensPerBatch} tokens, {embedder.Concurrency} × {options.IntraOpThreads} threads";

    private static EmbeddingOptions With(EmbeddingOptions options, EmbeddingPrecision precision) => new()
    {
        ModelPath = options.ModelPath,
        Device = options.Device,
        Precision = precision,
        GpuDeviceId = options.GpuDeviceId,
        MaxLength = options.MaxLength,
        MaxBatchSize = options.MaxBatchSize,
        MaxTokensPerBatch = options.MaxTokensPerBatch,
        IntraOpThreads = options.IntraOpThreads,
        Concurrency = options.Concurrency,
        SortWindow = options.SortWindow,
    };
}
