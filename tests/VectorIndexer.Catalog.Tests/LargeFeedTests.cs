using System.Globalization;
using System.Text;

namespace VectorIndexer.Catalog.Tests;

[CollectionDefinition(nameof(LargeFeedsRunAlone), DisableParallelization = true)]
public sealed class LargeFeedsRunAlone;

/// <summary>Streams generated feeds far larger than what the reader may hold; runs alone so heap readings are its own.</summary>
[Collection(nameof(LargeFeedsRunAlone))]
public sealed class LargeFeedTests : IDisposable
{
    private const int Lines = 200_000;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Jsonl_With200kLines_StreamsEveryRecordWithBoundedHeap()
    {
        var path = _directory.File("large.jsonl");
        await WriteAsync(path, i => string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"id":"P{{i}}","title":"Product {{i}} with a reasonably long title","description":"{{new string('d', 200)}}","price":{{i % 1000}}.5,"category":["A","B{{i % 7}}"]}"""));

        var (valid, rejected, heapGrowth) = await StreamAsync(path);

        Assert.Equal((Lines, 0L), (valid, rejected));
        Assert.True(heapGrowth < new FileInfo(path).Length / 4, $"The heap grew by {heapGrowth} bytes while streaming a {new FileInfo(path).Length}-byte feed.");
    }

    [Fact]
    public async Task Csv_With200kLines_StreamsEveryRecordWithBoundedHeap()
    {
        var path = _directory.File("large.csv");
        await WriteAsync(
            path,
            i => string.Create(CultureInfo.InvariantCulture, $"P{i},\"Product {i}, \"\"quoted\"\"\",\"{new string('d', 100)}\nsecond line\",{i % 1000}.5"),
            header: "id,title,description,price");

        var (valid, rejected, heapGrowth) = await StreamAsync(path);

        Assert.Equal((Lines, 0L), (valid, rejected));
        Assert.True(heapGrowth < new FileInfo(path).Length / 4, $"The heap grew by {heapGrowth} bytes while streaming a {new FileInfo(path).Length}-byte feed.");
    }

    private static async Task WriteAsync(string path, Func<int, string> line, string? header = null)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        if (header is not null)
        {
            await writer.WriteAsync(header + "\n");
        }

        for (var i = 0; i < Lines; i++)
        {
            await writer.WriteAsync(line(i) + "\n");
        }
    }

    private static async Task<(long Valid, long Rejected, long HeapGrowth)> StreamAsync(string path)
    {
        // Duplicate detection is off: its id set is the one thing allowed to grow with the feed.
        await using var feed = CatalogFeed.Open(path, FeedMapping.Default, new FeedReaderOptions { DetectDuplicates = false });
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long valid = 0, rejected = 0, peak = 0;
        await foreach (var item in feed.ReadAsync(TestContext.Current.CancellationToken))
        {
            if (item is FeedProduct)
            {
                valid++;
            }
            else
            {
                rejected++;
            }

            if ((valid + rejected) % 50_000 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        Assert.Equal(feed.TotalBytes, feed.BytesRead);
        Assert.Equal(valid, feed.Report.Valid);
        return (valid, rejected, peak);
    }
}
