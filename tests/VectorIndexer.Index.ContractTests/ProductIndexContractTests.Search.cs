using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- search -------------------------------------------------------------------------------

    [Fact]
    public async Task Search_WithoutFilter_ReturnsNearestFirstWithCosineScores()
    {
        await SeedAsync();

        var hits = (await Index.SearchAsync(null, new ProductQuery(QueryE0), Token)).Hits;

        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], hits.Select(h => h.Product.Id));
        for (var i = 0; i < hits.Count; i++)
        {
            Assert.Equal(ExpectedScore(i + 1), hits[i].Score, ScoreTolerance);
        }

        Assert.Equal("Green folder", hits[3].Product.Title);
    }

    [Fact]
    public async Task Search_OnEmptyGeneration_ReturnsNoHits()
    {
        await CreateLiveGenerationAsync();

        Assert.Empty((await Index.SearchAsync(null, new ProductQuery(QueryE0), Token)).Hits);
        Assert.Empty((await Index.SearchAsync(null, new ProductQuery(QueryE0, ProductFilter.Equal(ProductSchema.Brand, "Acme")), Token)).Hits);
        Assert.Equal(0, await Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task Search_WithLimit_ReturnsTheBestK()
    {
        await SeedAsync();

        Assert.Equal(["p1", "p2", "p3"], await SearchIdsAsync(null, limit: 3));
    }

    [Fact]
    public async Task Search_PagedWithLimitAndOffset_PagesAreDisjointAndOrdered()
    {
        await SeedAsync();

        var pages = new List<IReadOnlyList<string>>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            pages.Add(await SearchIdsAsync(null, limit: 2, offset: offset));
        }

        var beyond = await SearchIdsAsync(null, limit: 2, offset: 6);

        Assert.All(pages, page => Assert.Equal(2, page.Count));
        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], pages.SelectMany(p => p));
        Assert.Empty(beyond);
        Assert.Equal(["p3", "p4", "p5", "p6"], await SearchIdsAsync(null, limit: 10, offset: 2));
    }

    [Fact]
    public async Task Search_PagedWithFilter_PagesThroughMatchesOnly()
    {
        await SeedAsync();
        var filter = ProductFilter.Equal(ProductSchema.Currency, "EUR");

        Assert.Equal(["p1", "p2"], await SearchIdsAsync(filter, limit: 2));
        Assert.Equal(["p6"], await SearchIdsAsync(filter, limit: 2, offset: 2));
    }

    [Fact]
    public async Task Search_WithEqualScores_BreaksTiesByProductId()
    {
        await CreateLiveGenerationAsync();
        var same = Axis(3);
        IndexRecord Tie(string id) => new(new Product { Id = id, Title = id }, same, "h");
        await Index.UpsertAsync(null, [Tie("tie-b"), Tie("tie-c"), Tie("tie-a")], Token);

        var all = (await Index.SearchAsync(null, new ProductQuery(same), Token)).Hits;
        var firstTwo = (await Index.SearchAsync(null, new ProductQuery(same, Limit: 2), Token)).Hits;
        var second = (await Index.SearchAsync(null, new ProductQuery(same, Limit: 1, Offset: 1), Token)).Hits;

        Assert.Equal(["tie-a", "tie-b", "tie-c"], all.Select(h => h.Product.Id));
        Assert.Equal(["tie-a", "tie-b"], firstTwo.Select(h => h.Product.Id));
        Assert.Equal("tie-b", Assert.Single(second).Product.Id);
    }

    [Fact]
    public async Task Search_WithScoreThreshold_LeavesOutLowerScores()
    {
        await SeedAsync();
        var threshold = (ExpectedScore(3) + ExpectedScore(4)) / 2;

        var hits = (await Index.SearchAsync(null, new ProductQuery(QueryE0, ScoreThreshold: threshold), Token)).Hits;
        var none = (await Index.SearchAsync(null, new ProductQuery(QueryE0, ScoreThreshold: 0.999f), Token)).Hits;

        Assert.Equal(["p1", "p2", "p3"], hits.Select(h => h.Product.Id));
        Assert.All(hits, h => Assert.True(h.Score >= threshold));
        Assert.Empty(none);
    }
}
