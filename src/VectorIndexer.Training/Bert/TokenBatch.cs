using VectorIndexer.Embedding;
using VectorIndexer.Embedding.Tokenization;
using static TorchSharp.torch;

namespace VectorIndexer.Training.Bert;

/// <summary>
/// Texts turned into the encoder's input as <see cref="OnnxEmbedder"/> does it: the model's query
/// or document prefix, WordPiece ids framed by [CLS] and [SEP] and cut at the maximum length, padded
/// to the longest row, with the attention mask.
/// </summary>
public static class TokenBatch
{
    /// <summary>Ids and mask tensors [texts, longest] (int64) on <paramref name="device"/>; the caller disposes both.</summary>
    public static (Tensor Ids, Tensor Mask) Encode(BertWordPieceTokenizer tokenizer, ModelConfig config, IReadOnlyList<string> texts, EmbeddingPurpose purpose, int maxLength, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(texts);
        var prefix = purpose == EmbeddingPurpose.Query ? config.QueryPrefix : config.DocumentPrefix;
        var rows = new int[texts.Count][];
        var longest = 1;
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = tokenizer.EncodeToIds(prefix.Length == 0 ? texts[i] : prefix + texts[i], maxLength);
            longest = Math.Max(longest, rows[i].Length);
        }

        var ids = new long[rows.Length * longest];
        var mask = new long[rows.Length * longest];
        Array.Fill(ids, tokenizer.PadId);
        for (var r = 0; r < rows.Length; r++)
        {
            for (var t = 0; t < rows[r].Length; t++)
            {
                ids[(r * longest) + t] = rows[r][t];
                mask[(r * longest) + t] = 1;
            }
        }

        long[] shape = [rows.Length, longest];
        return (tensor(ids, shape, device: device), tensor(mask, shape, device: device));
    }
}
