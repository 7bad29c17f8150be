using Microsoft.Extensions.Hosting;
using VectorIndexer.Catalog;

namespace VectorIndexer.App.Tests;

/// <summary>The bundled sample catalogue, read the way the worker reads it.</summary>
public sealed class SampleCatalogueTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SampleCatalogue_ReadsWithTheDefaultMapping_WithZeroRejections()
    {
        await using var feed = CatalogFeed.Open(AllInOneHostingExtensions.BundledCataloguePath, FeedMapping.Default);
        var products = new List<Core.Product>();
        await foreach (var item in feed.ReadAsync(Token))
        {
            if (item is FeedProduct { Product: var product })
            {
                products.Add(product);
            }
        }

        Assert.Equal(0, feed.Report.Rejected);
        Assert.Equal(0, feed.Report.Duplicates);
        Assert.InRange(products.Count, 300, 500);
        Assert.All(products, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Brand));
            Assert.NotEmpty(p.Category);
            Assert.NotNull(p.Price);
            Assert.Equal("EUR", p.Currency);
            Assert.NotNull(p.Rating);
            Assert.NotNull(p.InStock);
            Assert.False(string.IsNullOrWhiteSpace(p.Color));
            Assert.NotEmpty(p.Attributes);
            Assert.NotEmpty(p.Bullets);
            Assert.False(string.IsNullOrWhiteSpace(p.Description));
        });
    }

    [Fact]
    public async Task SampleCatalogue_SpansTheShopsDepartments()
    {
        await using var feed = CatalogFeed.Open(AllInOneHostingExtensions.BundledCataloguePath, FeedMapping.Default);
        var departments = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in feed.ReadAsync(Token))
        {
            if (item is FeedProduct { Product: var product })
            {
                departments.Add(product.Category[0]);
            }
        }

        Assert.Superset(
            new HashSet<string>(["Electronics", "Kitchen", "Outdoor", "Clothing", "Home", "Toys", "Beauty", "Sports", "Office"], StringComparer.Ordinal),
            departments);
    }
}
