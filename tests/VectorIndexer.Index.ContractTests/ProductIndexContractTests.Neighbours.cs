using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- neighbours export --------------------------------------------------------------------

    [Fact]
    public async Task Neighbours_OfEveryProduct_AreItsSimilarToSearch()
    {
        await SeedAsync();

        var exported = await NeighboursAsync(new NeighbourRequest(K: 3));

        Assert.Equal(Catalogue.Select(p => p.Id).Order(StringComparer.Ordinal), exported.Keys.Order(StringComparer.Ordinal));
        foreach (var product in Catalogue)
        {
            var similar = (await Index.SearchAsync(null, ProductQuery.Similar(product.Id, limit: 3), Token)).Hits;
            var neighbours = exported[product.Id].Neighbours;
            Assert.Equal(similar.Select(h => h.Product.Id), neighbours.Select(n => n.ProductId));
            for (var i = 0; i < similar.Count; i++)
            {
                Assert.Equal(similar[i].Score, neighbours[i].Score, ScoreTolerance);
            }
        }

        Assert.Equal("Red trowel", exported["p3"].Product.Title);
    }

    [Fact]
    public async Task Neighbours_WithinTheCategory_KeepOnlyProductsHoldingEveryLevelOfIt()
    {
        await SeedAsync();
        Product[] extra =
        [
            new() { Id = "p7", Title = "Mug set", Category = ["Home", "Kitchen", "Mugs"] },
            new() { Id = "p8", Title = "Kitchen scale", Category = ["Home", "Kitchen"] },
        ];
        await Index.UpsertAsync(null, [.. extra.Select(Record)], Token);

        var exported = await NeighboursAsync(new NeighbourRequest(K: 5, SameCategory: true));

        Assert.Equal(["p7"], exported["p1"].Neighbours.Select(n => n.ProductId));
        Assert.Equal(["p1", "p2", "p7"], exported["p8"].Neighbours.Select(n => n.ProductId));
        Assert.Equal(["p5"], exported["p4"].Neighbours.Select(n => n.ProductId));
        Assert.Empty(exported["p5"].Neighbours);
        Assert.Empty(exported["p6"].Neighbours);
    }

    [Fact]
    public async Task Neighbours_BelowTheMinimumScore_AreLeftOut()
    {
        await SeedAsync();
        var threshold = Dot(VectorOf(1), VectorOf(2)) - 0.001f;

        var exported = await NeighboursAsync(new NeighbourRequest(K: 5, MinScore: threshold));

        Assert.Equal(["p2"], exported["p1"].Neighbours.Select(n => n.ProductId));
        Assert.All(exported.Values.SelectMany(e => e.Neighbours), n => Assert.True(n.Score >= threshold));
    }

    [Fact]
    public async Task Neighbours_OfAOneProductGeneration_AreEmpty_AndAnOutOfRangeKIsRefused()
    {
        await CreateLiveGenerationAsync();
        await Index.UpsertAsync(null, [Record(Catalogue[0])], Token);

        var exported = await NeighboursAsync(new NeighbourRequest(K: 5));
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => NeighboursAsync(new NeighbourRequest(K: 0)));

        Assert.Empty(Assert.Single(exported.Values).Neighbours);
        Assert.Equal(nameof(NeighbourRequest.K), error.ParamName);
    }

    [Fact]
    public async Task Neighbours_WithNoLiveGeneration_FailAsGenerationNotFound()
    {
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => NeighboursAsync(new NeighbourRequest()));
    }

    private async Task<Dictionary<string, ProductNeighbours>> NeighboursAsync(NeighbourRequest request)
    {
        var exported = new Dictionary<string, ProductNeighbours>(StringComparer.Ordinal);
        await foreach (var item in Index.NeighboursAsync(null, request, Token))
        {
            Assert.True(exported.TryAdd(item.Product.Id, item), $"{item.Product.Id} came twice");
        }

        return exported;
    }
}
