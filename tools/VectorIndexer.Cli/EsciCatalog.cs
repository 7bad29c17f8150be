using System.Globalization;
using VectorIndexer.Catalog;
using VectorIndexer.Core;

namespace VectorIndexer.Cli;

/// <summary>
/// Finds and reads products in the ESCI-SRW shape (<c>../shared/data/esci-srw/products.jsonl</c>), the
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

    /// <summary>
    /// The products file a command was given, or the default one beside the repository.
    /// </summary>
    /// <exception cref="InputException">Neither exists; the message says what to pass.</exception>
    public static string RequireProductsFile(string? given)
    {
        var path = given ?? FindDefaultProductsFile();
        if (path is null || !File.Exists(path))
        {
            throw new InputException($"products file not found ({path ?? "no ../shared/data/esci-srw/products.jsonl above the working folder"}); pass --products.");
        }

        return path;
    }

    /// <summary>
    /// Reads the first <paramref name="count"/> products through the catalogue feed reader and its
    /// built-in "esci" mapping (the same path the worker takes); a rejected line fails with its number.
    /// </summary>
    public static async Task<List<Product>> ReadAsync(string path, int count, CancellationToken cancellationToken)
    {
        await using var feed = CatalogFeed.Open(path, FeedMapping.Esci);
        var products = new List<Product>();
        await foreach (var item in feed.ReadAsync(cancellationToken))
        {
            switch (item)
            {
                case FeedProduct product:
                    products.Add(product.Product);
                    break;
                case FeedRejection rejection:
                    throw new InvalidDataException($"{path}:{rejection.LineNumber}: {rejection.Reason}");
            }

            if (products.Count >= count)
            {
                break;
            }
        }

        return products;
    }

    /// <summary>Formats a number for reports, independent of the machine's culture.</summary>
    public static string Format(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
