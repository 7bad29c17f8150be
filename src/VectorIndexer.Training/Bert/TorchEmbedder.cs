using VectorIndexer.Embedding;
using VectorIndexer.Embedding.Tokenization;
using static TorchSharp.torch;

namespace VectorIndexer.Training.Bert;

/// <summary>Sentence vectors from a <see cref="BertEncoder"/> in evaluation mode (no dropout, no gradients), in batches.</summary>
public sealed class TorchEmbedder(BertEncoder encoder, BertWordPieceTokenizer tokenizer, ModelConfig config, int maxLength, Device? device = null)
{
    /// <summary>Vectors of <paramref name="texts"/>, <paramref name="batchSize"/> at a time; texts are sorted by length first so batches pad little.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, EmbeddingPurpose purpose, int batchSize = 32, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var wasTraining = encoder.training;
        encoder.eval();
        try
        {
            using var noGrad = no_grad();
            var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
            var vectors = new float[texts.Count][];
            for (var start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var slice = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
                var (ids, mask) = TokenBatch.Encode(tokenizer, config, [.. slice.Select(i => texts[i])], purpose, maxLength, device);
                var pooled = encoder.forward(ids, mask).cpu();
                var flat = pooled.data<float>().ToArray();
                var width = (int)pooled.shape[1];
                for (var r = 0; r < slice.Length; r++)
                {
                    vectors[slice[r]] = flat.AsSpan(r * width, width).ToArray();
                }
            }

            return vectors;
        }
        finally
        {
            encoder.train(wasTraining);
        }
    }
}
