using VectorIndexer.Core;

namespace VectorIndexer.Worker.Tests;

public sealed class ProductIndexerTests(EmbedderFixture fixture) : IDisposable
{
    private readonly WorkerHarness _harness = new(fixture);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IndexAsync_UnchangedText_EmbedsNothingAndUpdatesPayloadWithStoredVector()
    {
        var generation = await _harness.Index.CreateGenerationAsync(_harness.Indexer.Model, Token);
        var first = Enumerable.Range(1, 6).Select(i => Products.Make($"p-{i}", $"Cast iron skillet {i}", price: 20)).ToList();
        var initial = await _harness.Indexer.IndexAsync(generation.Name, first, Token);
        var before = await _harness.Index.GetAsync(generation.Name, "p-3", Token);
        var embeddedBefore = _harness.Embedder.Texts;

        // Price and stock are payload only: the composed text, so the content hash, is unchanged.
        var repriced = first.ConvertAll(p => p with { Price = 15, InStock = false });
        var again = await _harness.Indexer.IndexAsync(generation.Name, repriced, Token);

        Assert.Equal(new IndexBatchResult(6, 6, 0), initial);
        Assert.Equal(new IndexBatchResult(6, 0, 6), again);
        Assert.Equal(embeddedBefore, _harness.Embedder.Texts);
        var after = await _harness.Index.GetAsync(generation.Name, "p-3", Token);
        Assert.Equal(15m, after!.Product.Price);
        Assert.False(after.Product.InStock);
        Assert.Equal(before!.Vector, after.Vector);
        Assert.Equal(before.ContentHash, after.ContentHash);
    }

    [Fact]
    public async Task IndexAsync_ChangedText_ReEmbedsOnlyTheChangedProducts()
    {
        var generation = await _harness.Index.CreateGenerationAsync(_harness.Indexer.Model, Token);
        var products = Enumerable.Range(1, 5).Select(i => Products.Make($"p-{i}", $"Wool blanket {i}")).ToList();
        await _harness.Indexer.IndexAsync(generation.Name, products, Token);
        var old = await _harness.Index.GetAsync(generation.Name, "p-2", Token);
        var embeddedBefore = _harness.Embedder.Texts;

        products[1] = products[1] with { Title = "Carbon road bicycle" };
        var result = await _harness.Indexer.IndexAsync(generation.Name, products, Token);

        Assert.Equal(new IndexBatchResult(5, 1, 4), result);
        Assert.Equal(embeddedBefore + 1, _harness.Embedder.Texts);
        var changed = await _harness.Index.GetAsync(generation.Name, "p-2", Token);
        Assert.Equal("Carbon road bicycle", changed!.Product.Title);
        Assert.NotEqual(old!.ContentHash, changed.ContentHash);
        Assert.NotEqual(old.Vector, changed.Vector);
        Assert.Equal(ProductTextComposer.ContentHash(_harness.Indexer.Compose(products[1])), changed.ContentHash);
    }

    [Fact]
    public async Task IndexAsync_MoreThanOneBatch_UpsertsEveryProductOnceAndKeepsTheLastVersionOfADuplicate()
    {
        var generation = await _harness.Index.CreateGenerationAsync(_harness.Indexer.Model, Token);
        var products = Enumerable.Range(1, 11).Select(i => Products.Make($"p-{i}", $"Garden hose {i}")).ToList();
        products.Add(Products.Make("p-1", "Garden hose 1", price: 99));

        var result = await _harness.Indexer.IndexAsync(generation.Name, products, Token);

        Assert.Equal(11, result.Upserted);
        Assert.Equal(11, await _harness.Index.CountAsync(generation.Name, null, Token));
        Assert.Equal(99m, (await _harness.Index.GetAsync(generation.Name, "p-1", Token))!.Product.Price);
    }

    [Fact]
    public void IndexingProgress_Compute_GivesRateAndEtaFromThisRun()
    {
        var progress = IndexingProgress.Compute(processed: 600, processedThisRun: 200, total: 1000, TimeSpan.FromSeconds(10));

        Assert.Equal(20, progress.RatePerSecond, 6);
        Assert.Equal(TimeSpan.FromSeconds(20), progress.Eta);
        Assert.Null(IndexingProgress.Compute(10, 10, null, TimeSpan.FromSeconds(1)).Eta);
    }

    public void Dispose() => _harness.Dispose();
}
