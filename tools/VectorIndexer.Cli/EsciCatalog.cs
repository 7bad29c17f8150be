using System.Globalization;
using System.Text.Json;
using VectorIndexer.Core;

namespace VectorIndexer.Cli;

/// <summary>
/// Reads products in the ESCI-SRW shape (<c>../shared/data/esci-srw/products.jsonl</c>), the
/// evaluation and benchmark data that lives beside the repository and is never copied into it.
/// </summary>
public static class EsciCatalog
{
    /// <summary>The products file found beside the repository or the working folder, or null.</summary>
    public static string? FindDefaultProductsFile()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", "esci-srw", "products.jsonl");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Reads up to <paramref name="count"/> products; a malformed line fails with its number.</summary>
    public static IEnumerable<Product> Read(string path, int count = int.MaxValue)
    {
        var lineNumber = 0;
        var read = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (read >= count)
            {
                yield break;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Product product;
            try
            {
                product = Parse(line);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not an ESCI-SRW product ({ex.Message})", ex);
            }

            read++;
            yield return product;
        }
    }

    private static Product Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        return new Product
        {
            Id = root.GetProperty("asin").GetString() ?? throw new FormatException("asin is null"),
            Title = root.GetProperty("title").GetString() ?? throw new FormatException("title is null"),
            Description = String(root, "description"),
            Bullets = (String(root, "bullet_points") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Brand = String(root, "brand"),
            Color = String(root, "color"),
            Category = root.TryGetProperty("category", out var category) && category.ValueKind == JsonValueKind.Array
                ? category.EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToArray()
                : [],
            Price = root.TryGetProperty("price", out var price) && price.ValueKind == JsonValueKind.Number ? price.GetDecimal() : null,
            Rating = root.TryGetProperty("rating", out var rating) && rating.ValueKind == JsonValueKind.Number ? rating.GetDouble() : null,
            RatingCount = root.TryGetProperty("rating_count", out var ratingCount) && ratingCount.ValueKind == JsonValueKind.Number ? ratingCount.GetInt32() : null,
            Image = String(root, "image"),
            Currency = "USD",
        };
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Formats a number for reports, independent of the machine's culture.</summary>
    public static string Format(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
