using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;

namespace VectorIndexer.Worker;

/// <summary>Turns product texts into document vectors; the seam between the indexer and the engine.</summary>
public interface IProductEmbedder
{
    /// <summary>The model the vectors come from (what a new generation is created for).</summary>
    IndexModel Model { get; }

    /// <summary>Embeds <paramref name="texts"/> as documents; vectors in input order.</summary>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary><see cref="IProductEmbedder"/> over the shared ONNX engine.</summary>
public sealed class OnnxProductEmbedder : IProductEmbedder
{
    private readonly OnnxEmbedder _embedder;

    public OnnxProductEmbedder(OnnxEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        _embedder = embedder;
        Model = new IndexModel(embedder.Model.Name, embedder.Dimensions);
    }

    public IndexModel Model { get; }

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        _embedder.EmbedAsync(texts, EmbeddingPurpose.Document, cancellationToken);
}
