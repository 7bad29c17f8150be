using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- similar and count --------------------------------------------------------------------

    [Fact]
    public async Task Similar_ExcludesTheProductItself_AndRanksByItsVector()
    {
        await SeedAsync();

        var hits = (await Index.SearchAsync(null, ProductQuery.Similar("p3"), Token)).Hits;

        Assert.Equal(["p1", "p2", "p4", "p5", "p6"], hits.Select(h => h.Product.Id));
        Assert.Equal(Dot(VectorOf(3), VectorOf(1)), hits[0].Score, ScoreTolerance);
    }

    [Fact]
    public async Task Similar_HonoursFilterAndPaging()
    {
        await SeedAsync();

        var zenith = (await Index.SearchAsync(null, ProductQuery.Similar("p1", ProductFilter.Equal(ProductSchema.Brand, "Zenith")), Token)).Hits;
        var acme = (await Index.SearchAsync(null, ProductQuery.Similar("p1", ProductFilter.Equal(ProductSchema.Brand, "Acme")), Token)).Hits;
        var page = (await Index.SearchAsync(null, ProductQuery.Similar("p1", limit: 2, offset: 1), Token)).Hits;

        Assert.Equal(["p3", "p6"], zenith.Select(h => h.Product.Id));
        Assert.Equal(["p2"], acme.Select(h => h.Product.Id));
        Assert.Equal(["p3", "p4"], page.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Similar_UnknownProduct_ReturnsEmpty()
    {
        await SeedAsync();

        Assert.Empty((await Index.SearchAsync(null, ProductQuery.Similar("no-such-product"), Token)).Hits);
    }

    [Fact]
    public async Task Count_WithFilter_CountsMatches()
    {
        await SeedAsync();

        Assert.Equal(6, await Index.CountAsync(null, null, Token));
        Assert.Equal(2, await Index.CountAsync(null, ProductFilter.Equal(ProductSchema.Brand, "Acme"), Token));
        Assert.Equal(4, await Index.CountAsync(null, ProductFilter.NoneOf(ProductSchema.Brand, "Acme"), Token));
        Assert.Equal(3, await Index.CountAsync(null, ProductFilter.Range(ProductSchema.Price, 10, 20), Token));
        Assert.Equal(0, await Index.CountAsync(null, ProductFilter.Or(), Token));
    }

    [Fact]
    public async Task Similar_WithScoreThreshold_LeavesOutLowerScores()
    {
        await SeedAsync();
        var threshold = Dot(VectorOf(1), VectorOf(4)) - 0.001f;

        var hits = (await Index.SearchAsync(null, ProductQuery.Similar("p1") with { ScoreThreshold = threshold }, Token)).Hits;

        Assert.Equal(["p2", "p3", "p4"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Similar_WithAVectorOrTextBesides_IsRefusedNamingTheInput()
    {
        await SeedAsync();

        var withVector = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, ProductQuery.Similar("p1") with { Vector = QueryE0 }, Token));
        var withText = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, ProductQuery.Similar("p1") with { Mode = SearchMode.Hybrid, Text = "mug" }, Token));

        Assert.Equal(nameof(ProductQuery.SimilarTo), withVector.ParamName);
        Assert.Equal(nameof(ProductQuery.SimilarTo), withText.ParamName);
    }
}
