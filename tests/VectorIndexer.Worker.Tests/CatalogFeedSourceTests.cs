using Microsoft.Extensions.Configuration;
using VectorIndexer.Catalog;
using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

public sealed class CatalogFeedSourceTests(EmbedderFixture fixture) : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task GetVersionAsync_ChangesWithTheFileAndTheMapping_AndIsNullForAMissingFeed()
    {
        var path = Path.Combine(_directory.Path, "versioned.jsonl");
        await File.WriteAllLinesAsync(path, ["""{"id":"A-1","title":"Desk lamp"}"""], Token);
        File.SetLastWriteTimeUtc(path, new DateTime(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc));
        var source = new CatalogFeedSource(new ConfigurationBuilder().Build());

        var first = await source.GetVersionAsync(path, null, Token);
        Assert.NotNull(first);
        Assert.Equal(first, await source.GetVersionAsync(path, null, Token));
        Assert.NotEqual(first, await source.GetVersionAsync(path, "esci", Token));

        await File.AppendAllLinesAsync(path, ["""{"id":"A-2","title":"Mug"}"""], Token);
        File.SetLastWriteTimeUtc(path, new DateTime(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc));
        Assert.NotEqual(first, await source.GetVersionAsync(path, null, Token));
        var grown = await source.GetVersionAsync(path, null, Token);
        File.SetLastWriteTimeUtc(path, new DateTime(2025, 3, 1, 9, 0, 0, DateTimeKind.Utc));
        Assert.NotEqual(grown, await source.GetVersionAsync(path, null, Token));
        Assert.Null(await source.GetVersionAsync(Path.Combine(_directory.Path, "missing.jsonl"), null, Token));
    }

    [Fact]
    public async Task ReadAsync_JsonLinesWithBadLines_YieldsProductsAndLineNumberedRejections()
    {
        var path = Path.Combine(_directory.Path, "feed.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            """{"id":"A-1","title":"Desk lamp","price":19.5}""",
            """{"id":"A-2","title":"Broken""",
            """{"id":"A-3","title":"Chair","price":-4}""",
            """{"id":"A-4","title":"Mug"}""",
        ], Token);
        var source = new CatalogFeedSource(new ConfigurationBuilder().Build());

        var items = new List<CatalogFeedItem>();
        await foreach (var item in source.ReadAsync(path, mapping: null, Token))
        {
            items.Add(item);
        }

        Assert.Equal([1L, 2L, 3L, 4L], items.Select(i => i.LineNumber));
        Assert.Equal(["A-1", "A-4"], items.Where(i => i.Product is not null).Select(i => i.Product!.Id));
        Assert.Null(items[1].Product);
        Assert.NotNull(items[1].Rejection);
        Assert.Contains("price", items[2].Rejection, StringComparison.Ordinal);
        Assert.Equal(4, await source.CountAsync(path, null, Token));
    }

    [Fact]
    public async Task ReadAsync_WithAnUnknownMapping_FailsListingTheKnownOnes()
    {
        var path = Path.Combine(_directory.Path, "feed.jsonl");
        await File.WriteAllTextAsync(path, """{"id":"A-1","title":"Desk lamp"}""", Token);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Catalog:Mappings:shop:Fields:id"] = "sku",
            ["Catalog:Mappings:shop:Fields:title"] = "name",
        }).Build();
        var source = new CatalogFeedSource(configuration);

        var ex = await Assert.ThrowsAsync<FeedMappingException>(async () =>
        {
            await foreach (var item in source.ReadAsync(path, "nope", Token))
            {
                Assert.Fail($"no item expected, got line {item.LineNumber}");
            }
        });

        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("esci", ex.Message, StringComparison.Ordinal);
        Assert.Contains("shop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullReindex_OfRealEsciProducts_ThroughTheCatalogueReader_IndexesEveryValidRecord()
    {
        Assert.SkipWhen(TestData.EsciProductsPath is null, TestData.EsciMissingReason);
        var feed = Path.Combine(_directory.Path, "esci-120.jsonl");
        await File.WriteAllLinesAsync(feed, File.ReadLines(TestData.EsciProductsPath!).Take(120), Token);
        using var harness = new WorkerHarness(fixture);
        var job = new Jobs.FullReindexJob(
            new CatalogFeedSource(new ConfigurationBuilder().Build()),
            harness.Indexer, harness.Index, harness.Batches, harness.Applier, harness.Statuses, harness.Context, harness.Options, lifetime: harness.Lifetime);
        harness.Context.JobId = "esci-1";

        await job.RunAsync(feed, "esci", Token);

        Assert.Equal(120, await harness.Index.CountAsync(null, null, Token));
        var status = await harness.Statuses.GetAsync("esci-1", Token);
        Assert.Equal(JobState.Succeeded, status!.State);
        Assert.Equal(120, status.Accepted);
        var first = File.ReadLines(TestData.EsciProductsPath!).First();
        var asin = System.Text.Json.JsonDocument.Parse(first).RootElement.GetProperty("asin").GetString()!;
        var stored = await harness.Index.GetAsync(null, asin, Token);
        Assert.NotNull(stored);
        Assert.False(string.IsNullOrWhiteSpace(stored.Product.Title));
    }
}
