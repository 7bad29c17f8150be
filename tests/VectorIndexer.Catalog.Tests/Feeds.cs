using System.Text;

namespace VectorIndexer.Catalog.Tests;

/// <summary>Reads feeds held in memory or written to temporary files.</summary>
internal static class Feeds
{
    public static async Task<(List<FeedItem> Items, CatalogFeed Feed)> ReadAsync(
        string content, FeedFormat format, FeedMapping? mapping = null, FeedReaderOptions? options = null, bool byteOrderMark = false)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        if (byteOrderMark)
        {
            bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        }

        return await ReadAsync(bytes, format, mapping, options);
    }

    public static async Task<(List<FeedItem> Items, CatalogFeed Feed)> ReadAsync(
        byte[] content, FeedFormat format, FeedMapping? mapping = null, FeedReaderOptions? options = null)
    {
        var feed = CatalogFeed.FromStream(new MemoryStream(content), format, mapping ?? FeedMapping.Default, options, "test-feed");
        var items = new List<FeedItem>();
        await foreach (var item in feed.ReadAsync(TestContext.Current.CancellationToken))
        {
            items.Add(item);
        }

        return (items, feed);
    }

    public static async Task<List<FeedItem>> ItemsAsync(string content, FeedFormat format, FeedMapping? mapping = null, FeedReaderOptions? options = null) =>
        (await ReadAsync(content, format, mapping, options)).Items;

    public static FeedRejection SingleRejection(IEnumerable<FeedItem> items) => Assert.Single(items.OfType<FeedRejection>());

    public static Product Product(FeedItem item) => Assert.IsType<FeedProduct>(item).Product;
}

