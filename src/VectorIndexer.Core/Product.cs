namespace VectorIndexer.Core;

/// <summary>A catalogue product as VectorIndexer indexes it.</summary>
public sealed record Product
{
    /// <summary>The shop's own identifier (SKU), 1 to 128 characters.</summary>
    public required string Id { get; init; }

    /// <summary>Product title; required.</summary>
    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>Bullet points ("about this item"), most important first.</summary>
    public IReadOnlyList<string> Bullets { get; init; } = [];

    public string? Brand { get; init; }

    /// <summary>Category path from the root to the leaf.</summary>
    public IReadOnlyList<string> Category { get; init; } = [];

    public string? Color { get; init; }

    public decimal? Price { get; init; }

    public string? Currency { get; init; }

    public bool? InStock { get; init; }

    public double? Rating { get; init; }

    public int? RatingCount { get; init; }

    public string? Image { get; init; }

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset? UpdatedAt { get; init; }
}
