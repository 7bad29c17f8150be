namespace VectorIndexer.Core.Indexing;

/// <summary>Turns product texts into document vectors; the seam between the indexer and the engine.</summary>
public interface IProductEmbedder
{
    /// <summary>The model the vectors come from (what a new generation is created for).</summary>
    IndexModel Model { get; }

    /// <summary>Embeds <paramref name="texts"/> as documents; vectors in input order.</summary>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
