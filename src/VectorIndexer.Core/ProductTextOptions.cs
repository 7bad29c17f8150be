using System.ComponentModel.DataAnnotations;

namespace VectorIndexer.Core;

/// <summary>
/// How a product is turned into the text that is embedded. Fields are written in the order given,
/// so the model's truncation drops the last (least important) ones first.
/// </summary>
public sealed class ProductTextOptions
{
    public const string SectionName = "ProductText";

    /// <summary>Fields in priority order.</summary>
    [MinLength(1)]
    public IList<ProductTextField> Fields { get; init; } =
    [
        ProductTextField.Title,
        ProductTextField.Brand,
        ProductTextField.Color,
        ProductTextField.Category,
        ProductTextField.Attributes,
        ProductTextField.Bullets,
        ProductTextField.Description,
    ];

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
