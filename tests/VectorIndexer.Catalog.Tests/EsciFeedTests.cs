
namespace VectorIndexer.Catalog.Tests;

public sealed class EsciFeedTests
{
    private const int EsciProductCount = 6764;

    private static string ProductsPath()
    {
        Assert.SkipWhen(TestData.EsciProductsPath is null, TestData.EsciMissingReason);
        return TestData.EsciProductsPath!;
    }

    [Fact]
    public async Task EsciMapping_OverTheRealFile_ReadsEveryProductAsValid()
    {
        await using var feed = CatalogFeed.Open(ProductsPath(), FeedMapping.BuiltIn("esci"));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lastLine = 0L;

        await foreach (var item in feed.ReadAsync(TestContext.Current.CancellationToken))
        {
            var product = Assert.IsType<FeedProduct>(item, exactMatch: true).Product;
            Assert.Equal(lastLine + 1, item.LineNumber);
            lastLine = item.LineNumber;
            Assert.True(ids.Add(product.Id), $"duplicate id {product.Id}");
            Assert.DoesNotContain(product.Attributes.Keys, key => key.Contains("esci", StringComparison.OrdinalIgnoreCase));
        }

        Assert.Equal(EsciProductCount, ids.Count);
        Assert.Equal((EsciProductCount, EsciProductCount, 0L, 0L), (feed.Report.RecordsRead, feed.Report.Valid, feed.Report.Rejected, feed.Report.Duplicates));
        Assert.False(feed.Report.ExceedsRejectedShare(0));
        Assert.Equal(feed.TotalBytes, feed.BytesRead);
    }

    [Fact]
    public async Task EsciMapping_OverTheRealFile_MapsKnownProductsFieldByField()
    {
        await using var feed = CatalogFeed.Open(ProductsPath(), FeedMapping.Esci);
        var wanted = new Dictionary<string, Product>(StringComparer.Ordinal);
        await foreach (var item in feed.ReadAsync(TestContext.Current.CancellationToken))
        {
            if (item is FeedProduct { Product.Id: "B07CXG6C9W" or "B071HMM81V" } found)
            {
                wanted[found.Product.Id] = found.Product;
            }
        }

        var kindle = wanted["B07CXG6C9W"];
        Assert.Equal("Kindle Paperwhite – Now Waterproof with 2x the Storage – Ad-Supported", kindle.Title);
        Assert.Null(kindle.Description);
        Assert.Equal(("Amazon", "Black"), (kindle.Brand, kindle.Color));
        Assert.Empty(kindle.Category);
        Assert.Null(kindle.Price);
        Assert.Equal((4.6, 124969), (kindle.Rating, kindle.RatingCount));
        Assert.Equal(5, kindle.Bullets.Count);
        Assert.StartsWith("The thinnest, lightest Kindle Paperwhite yet", kindle.Bullets[0], StringComparison.Ordinal);
        Assert.Equal("A single battery charge lasts weeks, not hours.", kindle.Bullets[^1]);
        Assert.Equal("https://m.media-amazon.com/images/I/61T7vSMjrAL._AC_SY300_SX300_.jpg", kindle.Image);
        Assert.Empty(kindle.Attributes);

        var headphones = wanted["B071HMM81V"];
        Assert.Equal(29.97m, headphones.Price);
        Assert.Equal("USD", headphones.Currency);
        Assert.Equal("TREBLAB", headphones.Brand);
        Assert.Equal(["Electronics", "Headphones, Earbuds & Accessories", "Headphones & Earbuds", "Earbud Headphones"], headphones.Category);
        Assert.StartsWith("THE WAY YOU EXPERIENCE SOUND", headphones.Description, StringComparison.Ordinal);
        Assert.Equal((4.2, 724), (headphones.Rating, headphones.RatingCount));
    }
}
