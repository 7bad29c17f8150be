using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- recommend from several products --------------------------------------------------------
    // Expected rankings are computed here from the catalogue's vectors by the formulas of
    // RecommendStrategy, so every store must give the same order on the same data.

    [Theory]
    [InlineData(RecommendStrategy.Average)]
    [InlineData(RecommendStrategy.BestScore)]
    public async Task Recommend_RanksAsTheStrategysArithmetic_AndLeavesTheExamplesOut(RecommendStrategy strategy)
    {
        await SeedAsync();
        string[] positive = ["p2", "p5"];
        string[] negative = ["p4"];

        var hits = (await Index.SearchAsync(null, ProductQuery.Recommendation(positive, negative, strategy), Token)).Hits;

        var expected = ExpectedRecommendation(positive, negative, strategy);
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Product.Id));
        Assert.DoesNotContain(hits, h => positive.Contains(h.Product.Id) || negative.Contains(h.Product.Id));
        Assert.Equal(expected[0].Score, hits[0].Score, ScoreTolerance);
    }

    [Fact]
    public async Task Recommend_AverageOfOnePositive_RanksAsSimilar()
    {
        await SeedAsync();

        var recommended = (await Index.SearchAsync(null, ProductQuery.Recommendation(["p3"]), Token)).Hits;
        var similar = (await Index.SearchAsync(null, ProductQuery.Similar("p3"), Token)).Hits;

        Assert.Equal(similar.Select(h => h.Product.Id), recommended.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Recommend_HonoursFilterPagingAndThreshold()
    {
        await SeedAsync();
        var all = ExpectedRecommendation(["p1"], ["p6"], RecommendStrategy.BestScore);

        var acme = (await Index.SearchAsync(null, ProductQuery.Recommendation(["p1"], ["p6"], RecommendStrategy.BestScore, ProductFilter.Equal(ProductSchema.Brand, "Acme")), Token)).Hits;
        var page = (await Index.SearchAsync(null, ProductQuery.Recommendation(["p1"], ["p6"], RecommendStrategy.BestScore, limit: 2, offset: 1), Token)).Hits;
        var above = (await Index.SearchAsync(null, ProductQuery.Recommendation(["p1"], ["p6"], RecommendStrategy.BestScore) with { ScoreThreshold = all[1].Score - 0.001f }, Token)).Hits;

        Assert.Equal(["p2"], acme.Select(h => h.Product.Id));
        Assert.Equal(all.Skip(1).Take(2).Select(e => e.Id), page.Select(h => h.Product.Id));
        Assert.Equal(all.Take(2).Select(e => e.Id), above.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Recommend_UnknownProducts_FailNamingEachOfThem()
    {
        await SeedAsync();

        var error = await Assert.ThrowsAsync<UnknownProductsException>(() => Index.SearchAsync(null, ProductQuery.Recommendation(["p1", "nope-1"], ["nope-2"]), Token));

        Assert.Equal(["nope-1", "nope-2"], error.ProductIds);
    }

    [Fact]
    public async Task Recommend_WithoutPositives_OrWithAnotherInput_IsRefusedNamingTheField()
    {
        await SeedAsync();

        var none = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, ProductQuery.Recommendation([], ["p1"]), Token));
        var tooMany = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, ProductQuery.Recommendation([.. Enumerable.Range(0, 51).Select(i => $"p{i}")]), Token));
        var withVector = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, ProductQuery.Recommendation(["p1"]) with { Vector = QueryE0 }, Token));

        Assert.Equal(nameof(RecommendInput.Positive), none.ParamName);
        Assert.Equal(nameof(RecommendInput.Positive), tooMany.ParamName);
        Assert.Equal(nameof(ProductQuery.Recommend), withVector.ParamName);
    }

    /// <summary>The catalogue's products other than the examples, best first, by the strategy's formula.</summary>
    private static List<(string Id, float Score)> ExpectedRecommendation(string[] positive, string[] negative, RecommendStrategy strategy)
    {
        static int Rank(string id) => int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        static float Sigmoid(float x) => 0.5f * ((x / (1f + Math.Abs(x))) + 1f);
        var candidates = Catalogue.Select(p => p.Id).Where(id => !positive.Contains(id) && !negative.Contains(id));
        Func<float[], float> score;
        if (strategy == RecommendStrategy.Average)
        {
            var query = new float[Dimensions];
            for (var d = 0; d < Dimensions; d++)
            {
                var meanPositive = positive.Average(id => VectorOf(Rank(id))[d]);
                query[d] = negative.Length == 0 ? meanPositive : (2 * meanPositive) - negative.Average(id => VectorOf(Rank(id))[d]);
            }

            var norm = MathF.Sqrt(Dot(query, query));
            score = v => Dot(query, v) / norm;
        }
        else
        {
            score = v =>
            {
                var bestPositive = positive.Max(id => Dot(VectorOf(Rank(id)), v));
                var bestNegative = negative.Length == 0 ? float.NegativeInfinity : negative.Max(id => Dot(VectorOf(Rank(id)), v));
                return bestPositive > bestNegative ? Sigmoid(bestPositive) : -Sigmoid(bestNegative);
            };
        }

        return [.. candidates.Select(id => (id, score(VectorOf(Rank(id))))).OrderByDescending(c => c.Item2)];
    }
}
