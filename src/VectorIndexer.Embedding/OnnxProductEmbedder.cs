using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Embedding;

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
