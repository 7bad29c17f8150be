namespace VectorIndexer.Core.Similarity;

/// <summary>What a neighbours export asks for.</summary>
/// <param name="K">Neighbours per product (1 to <see cref="MaxK"/>).</param>
/// <param name="SameCategory">
/// Only neighbours within the product's category: those whose category path holds every level of
/// the product's own path (the same category or one below it). A product without a category then
/// gets no neighbours.
/// </param>
/// <param name="MinScore">Leave out neighbours with a lower cosine.</param>
public sealed record NeighbourRequest(int K = 20, bool SameCategory = false, float? MinScore = null)
{
    /// <summary>The most neighbours one product can ask for.</summary>
    public const int MaxK = 1_000;

    /// <exception cref="ArgumentOutOfRangeException">K is out of range or the minimum score is not a number.</exception>
    public void ThrowIfInvalid()
    {
        if (K is < 1 or > MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(K), K, $"Neighbours per product must be from 1 to {MaxK}.");
        }

        if (MinScore is float min && float.IsNaN(min))
        {
            throw new ArgumentOutOfRangeException(nameof(MinScore), min, "The minimum score is not a number.");
        }
    }
}

/// <summary>A nearby product and its cosine similarity.</summary>
public readonly record struct Neighbour(string ProductId, float Score);

/// <summary>A product of the generation and its nearest other products, best first (ties by product id).</summary>
public sealed record ProductNeighbours(Product Product, IReadOnlyList<Neighbour> Neighbours);

/// <summary>The similarity graph of a generation, kept sparse: each product's k nearest others.</summary>
public interface IProductNeighbours
{
    /// <summary>
    /// Every product of the generation (a name, or null for the live one) with its
    /// <see cref="NeighbourRequest.K"/> nearest other products, streamed (memory bounded by a
    /// block of products, not by the square of the generation). The neighbours are those a
    /// similar-to search of the product would return.
    /// </summary>
    IAsyncEnumerable<ProductNeighbours> NeighboursAsync(string? generation, NeighbourRequest request, CancellationToken cancellationToken = default);
}
