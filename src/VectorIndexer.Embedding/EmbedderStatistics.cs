namespace VectorIndexer.Embedding;

/// <summary>
/// Cumulative counters of an <see cref="OnnxEmbedder"/>: what it embedded and where the time went.
/// Times are summed over concurrent model calls, so they can exceed wall time.
/// </summary>
public sealed record EmbedderStatistics
{
    public long Texts { get; init; }

    /// <summary>Real tokens, [CLS] and [SEP] included, padding excluded.</summary>
    public long Tokens { get; init; }

    /// <summary>Tokens the model computed, padding included.</summary>
    public long PaddedTokens { get; init; }

    public long Batches { get; init; }

    public TimeSpan Tokenization { get; init; }

    /// <summary>Filling input buffers and pooling the outputs.</summary>
    public TimeSpan PrepareAndPool { get; init; }

    /// <summary>Inside ONNX Runtime's <c>Run</c>.</summary>
    public TimeSpan Inference { get; init; }

    /// <summary>Share of the measured time spent outside ONNX Runtime.</summary>
    public double OverheadShare
    {
        get
        {
            var total = Tokenization + PrepareAndPool + Inference;
            return total <= TimeSpan.Zero ? 0 : (Tokenization + PrepareAndPool) / total;
        }
    }

    public EmbedderStatistics Minus(EmbedderStatistics earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new EmbedderStatistics
        {
            Texts = Texts - earlier.Texts,
            Tokens = Tokens - earlier.Tokens,
            PaddedTokens = PaddedTokens - earlier.PaddedTokens,
            Batches = Batches - earlier.Batches,
            Tokenization = Tokenization - earlier.Tokenization,
            PrepareAndPool = PrepareAndPool - earlier.PrepareAndPool,
            Inference = Inference - earlier.Inference,
        };
    }
}
