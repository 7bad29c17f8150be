namespace VectorIndexer.Core;

/// <summary>The parts of a product that can go into its embedded text.</summary>
public enum ProductTextField
{
    Title,
    Brand,
    Color,
    Category,
    Attributes,
    Bullets,
    Description,
}
