using System.Security.Cryptography;
using System.Text;

namespace VectorIndexer.Core;

/// <summary>Builds the text that represents a product to the embedding model.</summary>
public sealed class ProductTextComposer
{
    private readonly ProductTextOptions _options;
    private readonly IReadOnlyList<ProductTextField> _fields;

    public ProductTextComposer(ProductTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _fields = options.EffectiveFields;
        if (_fields.Distinct().Count() != _fields.Count)
        {
            throw new ArgumentException($"ProductText:Fields lists a field twice ({string.Join(", ", _fields)}).", nameof(options));
        }
    }

    public ProductTextComposer()
        : this(new ProductTextOptions())
    {
    }

    /// <summary>
    /// Composes the product's text: one line per field, in the configured priority order, empty
    /// fields left out, bounded by <see cref="ProductTextOptions.MaxCharacters"/>.
    /// </summary>
    public string Compose(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var sb = new StringBuilder(256);
        foreach (var field in _fields)
        {
            switch (field)
            {
                case ProductTextField.Title:
                    AppendLine(sb, product.Title);
                    break;
                case ProductTextField.Brand:
                    AppendLine(sb, product.Brand);
                    break;
                case ProductTextField.Color:
                    AppendLine(sb, product.Color);
                    break;
                case ProductTextField.Category:
                    AppendLine(sb, string.Join(_options.CategorySeparator, product.Category.Where(c => !string.IsNullOrWhiteSpace(c))));
                    break;
                case ProductTextField.Attributes:
                    foreach (var (name, value) in product.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
                    {
                        if (!string.IsNullOrWhiteSpace(value))
                        {
                            AppendLine(sb, $"{name}: {value}");
                        }
                    }

                    break;
                case ProductTextField.Bullets:
                    foreach (var bullet in product.Bullets)
                    {
                        AppendLine(sb, bullet);
                    }

                    break;
                case ProductTextField.Description:
                    AppendLine(sb, product.Description);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown product text field '{field}'.");
            }

            if (sb.Length >= _options.MaxCharacters)
            {
                break;
            }
        }

        if (sb.Length > _options.MaxCharacters)
        {
            var cut = _options.MaxCharacters;
            if (char.IsHighSurrogate(sb[cut - 1]))
            {
                cut--;
            }

            sb.Length = cut;
        }

        return sb.ToString();
    }

    /// <summary>
    /// A stable hash of the composed text (SHA-256, lowercase hex). Equal hashes mean the
    /// embedding would not change, so re-embedding can be skipped.
    /// </summary>
    public static string ContentHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static void AppendLine(StringBuilder sb, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (sb.Length > 0)
        {
            sb.Append('\n');
        }

        sb.Append(value.Trim());
    }
}
