namespace VectorIndexer.Catalog.Tests;

public sealed class FeedTests
{
    [Fact]
    public async Task Feed_WithDuplicateIds_MarksLaterOccurrencesAndCountsThem()
    {
        var (items, feed) = await Feeds.ReadAsync(
            """
            {"id":"A1","title":"Old mug"}
            {"id":"A2","title":"Cup"}
            {"id":"A1","title":"New mug"}
            {"id":"A1","title":"Newest mug"}
            """,
            FeedFormat.JsonLines);

        Assert.Equal([false, false, true, true], items.Cast<FeedProduct>().Select(item => item.IsDuplicate));
        Assert.Equal((4L, 2L, 2L), (feed.Report.Valid, feed.Report.Duplicates, feed.Report.DistinctProducts));
    }

    [Fact]
    public async Task ReadDistinctAsync_WithDuplicateIds_KeepsTheLastOccurrence()
    {
        var feed = CatalogFeed.FromStream(
            new MemoryStream("id,title\nA1,Old mug\nA2,Cup\nA1,New mug\n"u8.ToArray()),
            FeedFormat.Csv,
            FeedMapping.Default);

        var distinct = await feed.ReadDistinctAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, distinct.Duplicates);
        Assert.Equal([("A2", "Cup"), ("A1", "New mug")], distinct.Products.Select(product => (product.Id, product.Title)));
    }

    [Fact]
    public void KeepLast_WithoutDuplicates_ReturnsTheProductsInOrder()
    {
        Product[] products = [new() { Id = "1", Title = "a" }, new() { Id = "2", Title = "b" }];

        var distinct = FeedDeduplication.KeepLast(products);

        Assert.Equal(0, distinct.Duplicates);
        Assert.Equal(products, distinct.Products);
    }

    [Fact]
    public async Task Feed_WithDuplicateDetectionOff_DoesNotMarkDuplicates()
    {
        var (items, feed) = await Feeds.ReadAsync(
            "id,title\nA1,Mug\nA1,Mug\n",
            FeedFormat.Csv,
            options: new FeedReaderOptions { DetectDuplicates = false });

        Assert.All(items.Cast<FeedProduct>(), item => Assert.False(item.IsDuplicate));
        Assert.Equal(0, feed.Report.Duplicates);
    }

    [Fact]
    public async Task Feed_DuplicateOfRejectedRecord_IsNotADuplicate()
    {
        var (_, feed) = await Feeds.ReadAsync("id,title,price\nA1,Mug,abc\nA1,Mug,3\n", FeedFormat.Csv);

        Assert.Equal((1L, 1L, 0L), (feed.Report.Valid, feed.Report.Rejected, feed.Report.Duplicates));
    }

    [Fact]
    public async Task Feed_ReadTwice_Throws()
    {
        var (_, feed) = await Feeds.ReadAsync("id,title\nA1,Mug\n", FeedFormat.Csv);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in feed.ReadAsync(TestContext.Current.CancellationToken))
            {
            }
        });
    }

    [Theory]
    [InlineData("shop.jsonl", FeedFormat.JsonLines)]
    [InlineData("shop.NDJSON", FeedFormat.JsonLines)]
    [InlineData("shop.jsonlines", FeedFormat.JsonLines)]
    [InlineData("/feeds/shop.csv", FeedFormat.Csv)]
    public void Detect_ByExtension_ReturnsTheFormat(string path, FeedFormat expected)
    {
        Assert.Equal(expected, FeedFormats.Detect(path));
    }

    [Theory]
    [InlineData("shop.xml")]
    [InlineData("shop")]
    [InlineData("shop.json")]
    public void Detect_WithUnknownExtension_ThrowsNamingThePath(string path)
    {
        var exception = Assert.Throws<FeedFormatException>(() => FeedFormats.Detect(path));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Equal(path, exception.FeedSource);
    }

    [Fact]
    public void Open_WithMissingFile_ThrowsNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.jsonl");

        var exception = Assert.Throws<FileNotFoundException>(() => CatalogFeed.Open(path, FeedMapping.Default));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Equal(path, exception.FileName);
    }

    [Fact]
    public async Task Open_WithUnknownExtension_ThrowsUnlessTheFormatIsGiven()
    {
        using var directory = new TempDirectory();
        var path = directory.File("export.txt");
        await File.WriteAllTextAsync(path, "id,title\nA1,Mug\n", TestContext.Current.CancellationToken);

        var exception = Assert.Throws<FeedFormatException>(() => CatalogFeed.Open(path, FeedMapping.Default));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);

        await using var feed = CatalogFeed.Open(path, FeedMapping.Default, new FeedReaderOptions { Format = FeedFormat.Csv });
        var distinct = await feed.ReadDistinctAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Mug", Assert.Single(distinct.Products).Title);
        Assert.Equal(FeedFormat.Csv, feed.Format);
    }

    [Fact]
    public async Task Open_ReadToTheEnd_ReportsAllBytesRead()
    {
        using var directory = new TempDirectory();
        var path = directory.File("shop.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\":\"A1\",\"title\":\"Mug\"}\n{\"id\":\"A2\",\"title\":\"Cup\"}\n", TestContext.Current.CancellationToken);
        await using var feed = CatalogFeed.Open(path, FeedMapping.Default);
        var progress = new List<FeedProgress>();

        await foreach (var _ in feed.ReadAsync(TestContext.Current.CancellationToken))
        {
            progress.Add(feed.Progress);
        }

        var length = new FileInfo(path).Length;
        Assert.Equal([26L, length], progress.Select(point => point.BytesRead));
        Assert.All(progress, point => Assert.Equal(length, point.TotalBytes));
        Assert.Equal(1.0, feed.Progress.Fraction);
    }

    [Fact]
    public void Progress_HalfwayAfterTenSeconds_EstimatesTenSecondsLeft()
    {
        var progress = new FeedProgress(500, 1000);

        Assert.Equal(0.5, progress.Fraction);
        Assert.Equal(50.0, progress.BytesPerSecond(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(10), progress.EstimateRemaining(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Progress_WithUnknownTotalOrNoTime_HasNoEstimate()
    {
        Assert.Null(new FeedProgress(500, null).Fraction);
        Assert.Null(new FeedProgress(500, null).EstimateRemaining(TimeSpan.FromSeconds(1)));
        Assert.Null(new FeedProgress(0, 1000).EstimateRemaining(TimeSpan.Zero));
    }
}
