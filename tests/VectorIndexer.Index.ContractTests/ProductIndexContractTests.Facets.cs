using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- facets and sorting (FacetedSearch over the store's relevant set) ---------------------

    private static readonly string[] AllFacets = [ProductSchema.Brand, ProductSchema.Category, ProductSchema.Price, "attributes.material"];

    [Fact]
    public async Task Faceted_CountsTheWholeRelevantSet_AndPagesItsSortedOrder()
    {
        await SeedAsync();

        var result = await Index.SearchFacetedAsync(null, new ProductQuery(QueryE0, Limit: 3), AllFacets, SearchSort.PriceAscending, depth: 100, Token);

        Assert.Equal(["p1", "p6", "p2"], result.Hits.Select(h => h.Product.Id));
        Assert.Equal(6, result.Total);
        var facets = result.Facets!;
        Assert.Equal([("Acme", 2), ("Zenith", 2), ("acme", 1)], facets.Keywords[ProductSchema.Brand].Select(v => (v.Value, v.Count)));
        Assert.Equal([("steel", 2), ("ceramic", 1), ("porcelain", 1), ("wood", 1)], facets.Keywords["attributes.material"].Select(v => (v.Value, v.Count)));
        Assert.Equal([("Home", 3), ("Office", 2)], facets.Category![0].Values.Select(v => (v.Path[^1], v.Count)));
        Assert.Equal([("Kitchen", 2), ("Garden", 1), ("Desks", 1)], facets.Category[1].Values.Select(v => (v.Path[^1], v.Count)));
        Assert.Equal(3, facets.Category.Count);
        Assert.Equal([(10m, 25m, 3), (25m, 50m, 1), (50m, 100m, 1)], facets.Price!.Select(b => (b.Min!.Value, b.Max!.Value, b.Count)));
    }

    [Theory]
    [InlineData(SearchSort.Relevance, "p1,p2,p3,p4,p5,p6")]
    [InlineData(SearchSort.PriceDescending, "p5,p3,p2,p6,p1,p4")]
    [InlineData(SearchSort.Rating, "p4,p1,p6,p2,p5,p3")]
    public async Task Faceted_SortsTheRelevantSet_WithMissingValuesLast(SearchSort sort, string expected)
    {
        await SeedAsync();

        var result = await Index.SearchFacetedAsync(null, new ProductQuery(QueryE0, Limit: 10), [], sort, depth: 100, Token);

        Assert.Equal(expected.Split(','), result.Hits.Select(h => h.Product.Id));
        Assert.Null(result.Facets);
    }

    [Fact]
    public async Task Faceted_CountsOnlyWhatTheFilterLetsThrough_AndStopsAtTheDepth()
    {
        await SeedAsync();

        var acme = await Index.SearchFacetedAsync(null, new ProductQuery(QueryE0, ProductFilter.Equal(ProductSchema.Brand, "Acme"), Limit: 1), [ProductSchema.Brand], SearchSort.Relevance, depth: 100, Token);
        var shallow = await Index.SearchFacetedAsync(null, new ProductQuery(QueryE0, Limit: 2), [ProductSchema.Brand], SearchSort.Relevance, depth: 3, Token);

        Assert.Equal(2, acme.Total);
        Assert.Equal([("Acme", 2)], acme.Facets!.Keywords[ProductSchema.Brand].Select(v => (v.Value, v.Count)));
        Assert.Equal(3, shallow.Total);
        Assert.Equal(["p1", "p2"], shallow.Hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Faceted_SortedPages_ComeFromOneFixedSet_AndEndAtTheDepth()
    {
        await SeedAsync();

        var first = await Index.SearchFacetedAsync(null, new ProductQuery(QueryE0, Limit: 2), [], SearchSort.PriceAscending, depth: 4, Token);
        var second = await Index.SearchFacetedAsync(null, new ProductQuery(QueryE0, Limit: 2, Offset: 2), [], SearchSort.PriceAscending, depth: 4, Token);
        var past = await Index.SearchFacetedAsync(null, new ProductQuery(QueryE0, Limit: 2, Offset: 4), [], SearchSort.PriceAscending, depth: 4, Token);

        // The set is p1..p4 (the best four); by price: p1 10, p2 20, p3 30, then p4 without a price.
        Assert.Equal(["p1", "p2"], first.Hits.Select(h => h.Product.Id));
        Assert.Equal(["p3", "p4"], second.Hits.Select(h => h.Product.Id));
        Assert.Empty(past.Hits);
        Assert.Equal(4, past.Total);
    }

    [Fact]
    public async Task Faceted_UnknownFacetField_IsRefusedNamingIt()
    {
        await SeedAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Index.SearchFacetedAsync(null, new ProductQuery(QueryE0), ["flavour"], SearchSort.Relevance, depth: 100, Token));

        Assert.Equal("facets", error.ParamName);
        Assert.Contains("flavour", error.Message, StringComparison.Ordinal);
    }
}
