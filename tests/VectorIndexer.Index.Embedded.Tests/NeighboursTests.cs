using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Index.Embedded.Tests;

/// <summary>
/// The blocked all-pairs export against the similar-to search it stands for, on enough records to
/// span several query blocks, candidate tiles and waves, with holes left by deletes: the same
/// neighbours in the same order with the same score bits, at the vector widths each kernel path takes.
/// </summary>
public sealed class NeighboursTests
{
    [Theory]
    [InlineData(384, 2_300)] // 512-bit path where the processor has it (384 = 24 × 16 floats)
    [InlineData(24, 700)] // 256-bit path (24 = 3 × 8)
    [InlineData(10, 300)] // scalar path
    public async Task Neighbours_AreBitForBitTheSimilarToSearchOfEachProduct(int dimensions, int products)
    {
        var token = TestContext.Current.CancellationToken;
        using var index = await FilledAsync(dimensions, products, token);

        var exported = new List<ProductNeighbours>();
        await foreach (var item in index.NeighboursAsync(null, new NeighbourRequest(K: 7), token))
        {
            exported.Add(item);
        }

        var ids = exported.Select(e => e.Product.Id).ToList();
        Assert.Equal(await index.CountAsync(null, cancellationToken: token), ids.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        foreach (var item in exported.Where((_, i) => i % 13 == 0))
        {
            var similar = (await index.SearchAsync(null, ProductQuery.Similar(item.Product.Id, limit: 7), token)).Hits;
            Assert.Equal(similar.Select(h => (h.Product.Id, h.Score)), item.Neighbours.Select(n => (n.ProductId, n.Score)));
        }
    }

    [Fact]
    public async Task Neighbours_WithinTheCategory_AreTheSimilarToSearchFilteredOnEveryLevel()
    {
        var token = TestContext.Current.CancellationToken;
        using var index = await FilledAsync(32, 900, token);

        await foreach (var item in index.NeighboursAsync(null, new NeighbourRequest(K: 5, SameCategory: true), token))
        {
            if (item.Product.Category.Count == 0)
            {
                Assert.Empty(item.Neighbours);
                continue;
            }

            var levels = item.Product.Category.Select(c => ProductFilter.Equal(ProductSchema.Category, c)).ToArray();
            var similar = (await index.SearchAsync(null, ProductQuery.Similar(item.Product.Id, ProductFilter.And(levels), limit: 5), token)).Hits;
            Assert.Equal(similar.Select(h => (h.Product.Id, h.Score)), item.Neighbours.Select(n => (n.ProductId, n.Score)));
        }
    }

    [Fact]
    public async Task Neighbours_WhileTheGenerationIsWritten_StillComeFromOneSnapshot()
    {
        var token = TestContext.Current.CancellationToken;
        using var index = await FilledAsync(16, 3_000, token);
        var seen = 0;

        await foreach (var item in index.NeighboursAsync(null, new NeighbourRequest(K: 3), token))
        {
            if (seen++ == 0)
            {
                // Deleting after the export started changes nothing it hands out.
                await index.DeleteAsync(null, [.. Enumerable.Range(0, 3_000).Where(i => i % 2 == 1).Select(i => $"n{i:D5}")], token);
            }

            Assert.Equal(3, item.Neighbours.Count);
        }

        Assert.Equal(3_000 - Enumerable.Range(0, 3_000).Count(i => i % 7 == 3), seen);
    }

    private static async Task<EmbeddedProductIndex> FilledAsync(int dimensions, int products, CancellationToken token)
    {
        var index = EmbeddedProductIndex.CreateInMemory();
        var generation = await index.CreateGenerationAsync(new IndexModel("neighbours", dimensions), token);
        await index.ActivateGenerationAsync(generation.Name, token);
        var random = new Random(7);
        string[][] paths = [["A"], ["A", "B"], ["A", "B", "C"], ["A", "D"], ["E"], []];
        var records = Enumerable.Range(0, products).Select(i =>
        {
            var vector = new float[dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] = (float)(random.NextDouble() - 0.5);
            }

            var product = new Product { Id = $"n{i:D5}", Title = $"product {i}", Category = paths[i % paths.Length] };
            return new IndexRecord(product, vector, "h");
        }).ToList();
        await index.UpsertAsync(null, records, token);

        // Holes: every seventh slot deleted, so the packed snapshot differs from the slot layout.
        await index.DeleteAsync(null, [.. records.Where((_, i) => i % 7 == 3).Select(r => r.Product.Id)], token);
        return index;
    }
}
