using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- lexical and hybrid -------------------------------------------------------------------

    [Fact]
    public async Task Lexical_FindsOnlyProductsWithAQueryTerm_EqualScoresByProductId()
    {
        await SeedAsync();

        var hits = (await Index.SearchAsync(null, Lexical("RED"), Token)).Hits;

        // p1 and p3 both have "red" in the title and as the colour, with fields of equal length.
        Assert.Equal(["p1", "p3"], hits.Select(h => h.Product.Id));
        Assert.Equal(hits[0].Score, hits[1].Score, ScoreTolerance);
        Assert.True(hits[0].Score > 0);
    }

    [Fact]
    public async Task Lexical_MatchesPluralsAndAccents_AndARarerTermScoresHigher()
    {
        await SeedAsync();

        Assert.Equal(["p6"], ((await Index.SearchAsync(null, Lexical("Buckets"), Token)).Hits).Select(h => h.Product.Id));
        Assert.Equal(["p5"], ((await Index.SearchAsync(null, Lexical("désk"), Token)).Hits).Select(h => h.Product.Id));

        // "zenith" is in two products, "trowel" in one: the product with both leads, by the rare term.
        var hits = (await Index.SearchAsync(null, Lexical("zenith trowel"), Token)).Hits;
        Assert.Equal(["p3", "p6"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Lexical_WithFilterAndPaging_NarrowsAndPages()
    {
        await SeedAsync();

        Assert.Equal(["p3"], ((await Index.SearchAsync(null, Lexical("red") with { Filter = ProductFilter.Equal(ProductSchema.Brand, "Zenith") }, Token)).Hits).Select(h => h.Product.Id));
        Assert.Equal(["p3"], ((await Index.SearchAsync(null, Lexical("red") with { Limit = 1, Offset = 1 }, Token)).Hits).Select(h => h.Product.Id));
        Assert.Empty((await Index.SearchAsync(null, Lexical("nothing matches this"), Token)).Hits);
    }

    [Fact]
    public async Task Lexical_AfterUpdateAndDelete_FindsTheCurrentTextOnly()
    {
        await SeedAsync();

        await Index.UpsertAsync(null, [Record(Catalogue[5] with { Title = "Steel pail" })], Token);
        await Index.DeleteAsync(null, ["p3"], Token);

        Assert.Empty((await Index.SearchAsync(null, Lexical("bucket"), Token)).Hits);
        Assert.Equal(["p6"], ((await Index.SearchAsync(null, Lexical("pail"), Token)).Hits).Select(h => h.Product.Id));
        Assert.Equal(["p1"], ((await Index.SearchAsync(null, Lexical("red"), Token)).Hits).Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Hybrid_FusesTheListsByWeightedRrf_AProductInEveryListLeads()
    {
        await SeedAsync();

        // Dense ranks p6 last; "bucket" is only in p6, so it leads both lexical lists (full text and name).
        var hits = (await Index.SearchAsync(null, Hybrid("bucket"), Token)).Hits;

        Assert.Equal(["p6", "p1", "p2", "p3", "p4", "p5"], hits.Select(h => h.Product.Id));
        var fusion = FusionSettings.Default;
        var expected = fusion.Contribution(6, fusion.DenseWeight) + fusion.Contribution(1, fusion.LexicalWeight) + fusion.Contribution(1, fusion.NameWeight);
        Assert.Equal((float)expected, hits[0].Score, 1e-6f);
        Assert.Equal((float)fusion.Contribution(1, fusion.DenseWeight), hits[1].Score, 1e-6f);
    }

    [Fact]
    public async Task Hybrid_WeightsShiftTheRanking()
    {
        await SeedAsync();

        // With the lexical list weighted far below the dense one (its rank 1 counts as rank 100) and
        // k = 0, the dense order comes back: p6 scores 1/6 + 1/100, below p5's 1/5.
        var hits = (await Index.SearchAsync(null, Hybrid("bucket") with { Fusion = new FusionSettings(K: 0, DenseWeight: 1, LexicalWeight: 0.01f, NameWeight: 0) }, Token)).Hits;

        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], hits.Select(h => h.Product.Id));
        Assert.Equal(1f / 6 + (1f / 100), hits[5].Score, 1e-5f);
    }

    [Fact]
    public async Task Hybrid_WithDbsf_SumsEachListsScoresNormalisedByMeanAndThreeDeviations()
    {
        await SeedAsync();
        var query = Hybrid("bucket") with { Fusion = new FusionSettings(NameWeight: 0, Method: FusionMethod.Dbsf) };
        var dense = (await Index.SearchAsync(null, query with { Mode = SearchMode.Dense, Limit = 100 }, Token)).Hits;
        var lexical = (await Index.SearchAsync(null, query with { Mode = SearchMode.Lexical, Limit = 100 }, Token)).Hits;

        var hits = (await Index.SearchAsync(null, query, Token)).Hits;

        // The expected fusion, computed from the two lists each store returns on its own.
        var denseBounds = FusionSettings.DistributionBounds([.. dense.Select(h => h.Score)]);
        var lexicalBounds = FusionSettings.DistributionBounds([.. lexical.Select(h => h.Score)]);
        var expected = dense.Select(h => h.Product.Id).Union(lexical.Select(h => h.Product.Id))
            .Select(id => (Id: id, Score:
                (dense.FirstOrDefault(h => h.Product.Id == id) is { } d ? FusionSettings.Normalized(d.Score, denseBounds) : 0)
                + (lexical.FirstOrDefault(h => h.Product.Id == id) is { } l ? FusionSettings.Normalized(l.Score, lexicalBounds) : 0)))
            .OrderByDescending(e => e.Score)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Product.Id));
        Assert.Equal((float)expected[0].Score, hits[0].Score, 1e-4f);
        Assert.Equal("p6", hits[0].Product.Id);
    }

    [Fact]
    public async Task Hybrid_WithFilter_AppliesItToBothHalves()
    {
        await SeedAsync();

        // "steel" matches p3 (material) and p6 (title, material); only red products may come back.
        var hits = (await Index.SearchAsync(null, Hybrid("steel") with { Filter = ProductFilter.Equal(ProductSchema.Color, "red") }, Token)).Hits;

        Assert.Equal(["p3", "p1"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Hybrid_WithoutTheText_IsRejected()
    {
        await SeedAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, new ProductQuery(QueryE0) { Mode = SearchMode.Hybrid }, Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = " " }, Token));
    }

    protected static ProductQuery Lexical(string text) => new([]) { Mode = SearchMode.Lexical, Text = text };

    protected static ProductQuery Hybrid(string text) => new(QueryE0) { Mode = SearchMode.Hybrid, Text = text };
}
