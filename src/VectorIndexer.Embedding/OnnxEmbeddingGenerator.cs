using Microsoft.Extensions.AI;

namespace VectorIndexer.Embedding;

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over <see cref="OnnxEmbedder"/>, so code that
/// embeds depends on the .NET abstraction and a hosted model could stand in for ours.
/// Texts are documents unless <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> has
/// <see cref="PurposeProperty"/> set to <c>query</c>.
/// </summary>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Name of the additional property that says whether texts are queries or documents.</summary>
    public const string PurposeProperty = "vectorindexer.purpose";

    private readonly OnnxEmbedder _embedder;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public OnnxEmbeddingGenerator(OnnxEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        _embedder = embedder;
        _metadata = new EmbeddingGeneratorMetadata("onnxruntime", providerUri: null, embedder.Model.Name, embedder.Dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int dimensions && dimensions != _embedder.Dimensions)
        {
            throw new ArgumentException($"The model {_embedder.Model.Name} produces {_embedder.Dimensions} dimensions, not {dimensions}.", nameof(options));
        }

        var purpose = EmbeddingPurpose.Document;
        if (options?.AdditionalProperties?.TryGetValue(PurposeProperty, out var value) == true
            && string.Equals(value?.ToString(), "query", StringComparison.OrdinalIgnoreCase))
        {
            purpose = EmbeddingPurpose.Query;
        }

        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var vectors = await _embedder.EmbedAsync(texts, purpose, cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (var vector in vectors)
        {
            embeddings.Add(new Embedding<float>(vector) { ModelId = _embedder.Model.Name, CreatedAt = created });
        }

        return embeddings;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_embedder) ? _embedder
            : null;
    }

    /// <summary>The engine is owned by the container, not by this adapter.</summary>
    public void Dispose()
    {
    }
}
