using VectorIndexer.Catalog;
using VectorIndexer.Core;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Training.Tests;

/// <summary>The bundled sample catalogue's products and their texts as the indexer composes them.</summary>
internal static class SampleTexts
{
    private static readonly Lazy<IReadOnlyList<Product>> Products = new(Read);

    public static IReadOnlyList<Product> All => Products.Value;

    public static IReadOnlyList<string> Documents(int count)
    {
        var composer = new ProductTextComposer();
        return [.. All.Take(count).Select(composer.Compose)];
    }

    private static List<Product> Read()
    {
        var path = TestData.InRepository("src", "VectorIndexer.App", "SampleCatalogue", "products.jsonl");
        using var feed = CatalogFeed.Open(path, FeedMapping.Default);
        var products = new List<Product>();
        foreach (var item in feed.ReadAsync(CancellationToken.None).ToBlockingEnumerable())
        {
            if (item is FeedProduct { Product: var product })
            {
                products.Add(product);
            }
        }

        return products;
    }
}
