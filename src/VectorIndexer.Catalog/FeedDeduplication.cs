using VectorIndexer.Core;

namespace VectorIndexer.Catalog;

/// <summary>Products with one entry per id, and how many earlier entries were dropped.</summary>
/// <param name="Products">The last occurrence of each id, in the order of those last occurrences.</param>
/// <param name="Duplicates">Earlier occurrences dropped.</param>
public sealed record DeduplicatedProducts(IReadOnlyList<Product> Products, int Duplicates);

/// <summary>De-duplicates a materialised list of products by id; the last occurrence wins, as in a streamed feed.</summary>
public static class FeedDeduplication
{
    /// <summary>Keeps the last product of each id.</summary>
    public static DeduplicatedProducts KeepLast(IEnumerable<Product> products)
    {
        ArgumentNullException.ThrowIfNull(products);
        var list = products as IReadOnlyList<Product> ?? [.. products];
        var last = new Dictionary<string, int>(list.Count, StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            last[list[i].Id] = i;
        }

        var kept = new List<Product>(last.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (last[list[i].Id] == i)
            {
                kept.Add(list[i]);
            }
        }

        return new DeduplicatedProducts(kept, list.Count - kept.Count);
    }

    /// <summary>Reads a whole feed into memory and keeps the last product of each id. For small feeds and tests.</summary>
    public static async Task<DeduplicatedProducts> ReadDistinctAsync(this CatalogFeed feed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var products = new List<Product>();
        await foreach (var item in feed.ReadAsync(cancellationToken))
        {
            if (item is FeedProduct product)
            {
                products.Add(product.Product);
            }
        }

        return KeepLast(products);
    }
}
