using System.Text.Json;
using VectorIndexer.TestSupport;

namespace VectorIndexer.App.Tests;

/// <summary>
/// The app over real products: the first 300 of ESCI-SRW (read from ../shared, never copied into the
/// repository) as its feed with the built-in <c>esci</c> mapping. Skipped where the data is absent.
/// </summary>
public sealed class EsciEndToEndTests : IDisposable
{
    private const int Products = 300;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-app-esci-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task App_WithRealProductsAsItsFeed_IndexesThem_AndFindsTheExpectedProductFirst()
    {
        if (TestData.EsciProductsPath is not { } source)
        {
            Assert.Skip(TestData.EsciMissingReason);
            return;
        }

        var token = TestContext.Current.CancellationToken;
        var feed = Path.Combine(_data.FullName, "esci-first-300.jsonl");
        await File.WriteAllLinesAsync(feed, File.ReadLines(source).Take(Products), token);
        await using var app = new AppHost(Path.Combine(_data.FullName, "app"), new Dictionary<string, string>
        {
            ["Worker:RecurringReindex:FeedLocation"] = feed,
            ["Worker:RecurringReindex:Mapping"] = "esci",
        });
        using var client = app.CreateClient();

        var status = await app.WaitForStartupIndexingAsync(client, TimeSpan.FromMinutes(5), token);

        Assert.Equal("ready", status.Phase);
        Assert.Equal(Products, status.Products);

        // Written for this test; the expected product is the waterproof e-reader on the feed's first line.
        // A long paraphrase sharing only incidental words with titles: dense mode, as the README advises
        // (in hybrid mode, with function words left out, "device" puts a streaming stick first; docs/benchmarks.md).
        using var response = await client.GetAsync(new Uri("/api/search?mode=dense&q=" + Uri.EscapeDataString("device for reading novels by the pool") + "&k=3", UriKind.Relative), token);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token));
        var top = body.RootElement.GetProperty("items")[0].GetProperty("id").GetString();
        using var first = JsonDocument.Parse(File.ReadLines(feed).First());
        Assert.Equal(first.RootElement.GetProperty("asin").GetString(), top);
    }
}
