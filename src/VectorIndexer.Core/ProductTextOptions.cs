using System.ComponentModel.DataAnnotations;

namespace VectorIndexer.Core;

/// <summary>
/// How a product is turned into the text that is embedded. Fields are written in the order given,
/// so the model's truncation drops the last (least important) ones first.
/// </summary>
public sealed class ProductTextOptions
{
    public const string SectionName = "ProductText";

    /// <summary>The order used when <see cref="Fields"/> is not set.</summary>
    public static IReadOnlyList<ProductTextField> DefaultFields { get; } =
    [
        ProductTextField.Title,
        ProductTextField.Brand,
        ProductTextField.Color,
        ProductTextField.Category,
        ProductTextField.Attributes,
        ProductTextField.Bullets,
        ProductTextField.Description,
    ];

    /// <summary>
    /// Fields in priority order; empty means <see cref="DefaultFields"/>. (No default items here:
    /// the configuration binder appends to a list that already has some.)
    /// </summary>
    public IList<ProductTextField> Fields { get; init; } = [];

    /// <summary>The fields actually composed.</summary>
    public IReadOnlyList<ProductTextField> EffectiveFields => Fields.Count > 0 ? [.. Fields] : DefaultFields;

    /// <summary>Separator between category levels.</summary>
    public string CategorySeparator { get; init; } = " > ";

    /// <summary>
    /// Upper bound on the composed text, in characters. The model reads at most a few hundred
    /// tokens, so text past this bound could never influence the vector; cutting it keeps
    /// tokenization cost bounded for pathological descriptions.
    /// </summary>
    [Range(64, 1_000_000)]
    public int MaxCharacters { get; init; } = 8_192;
}
