using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VectorIndexer.Catalog;
using VectorIndexer.TestSupport;

namespace VectorIndexer.App.Tests;

/// <summary>
/// The write path end to end on real products: ESCI-SRW products (read from ../shared, never copied
/// into the repository) pushed through <c>POST /api/products</c>, applied by the worker in the same
/// process, then found by search and by similar-items. Skipped where the data is absent.
/// </summary>
public sealed class PushEndToEndTests : IDisposable
{
    private const string Key = "push-end-to-end-test-key-0123456789";
    private const int Products = 200;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-app-push-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task PushedRealProducts_JobSucceeds_SearchFindsTheExpectedProductFirst_AndSimilarExcludesIt()
    {
        if (TestData.EsciProductsPath is not { } source)
        {
            Assert.Skip(TestData.EsciMissingReason);
            return;
        }

        var token = TestContext.Current.CancellationToken;
        var products = new List<Core.Product>();
        await using (var feed = CatalogFeed.Open(source, FeedMapping.Esci))
        {
            await foreach (var item in feed.ReadAsync(token))
            {
                if (item is FeedProduct product)
                {
                    products.Add(product.Product);
                }

                if (products.Count == Products)
                {
                    break;
                }
            }
        }

        await using var app = new AppHost(Path.Combine(_data.FullName, "app"), new Dictionary<string, string> { ["Api:ApiKey"] = Key });
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        Assert.Equal("ready", (await app.WaitForStartupIndexingAsync(client, TimeSpan.FromMinutes(5), token)).Phase);

        using var push = await client.PostAsJsonAsync("/api/products", products, token);
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        using var accepted = JsonDocument.Parse(await push.Content.ReadAsStringAsync(token));
        var statusUrl = accepted.RootElement.GetProperty("statusUrl").GetString()!;
        Assert.Equal(statusUrl, push.Headers.Location?.OriginalString);

        var job = await WaitForJobAsync(client, statusUrl, TimeSpan.FromMinutes(5), token);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(Products, job.GetProperty("processed").GetInt64());

        // The query is written for this test; the expected product is the waterproof e-reader, the
        // first ESCI-SRW product, now among the 386 sample products and the 199 other pushed ones.
        // Dense mode for a long paraphrase, as the README advises (see EsciEndToEndTests). The sample
        // catalogue has e-readers of its own (arctic-embed-xs puts its note-taking e-reader first), so the
        // pushed one must be among the first three, behind e-readers only.
        var expected = products[0].Id;
        using var search = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?mode=dense&k=5&q=" + Uri.EscapeDataString("device for reading novels by the pool"), UriKind.Relative), token));
        var top = search.RootElement.GetProperty("items").EnumerateArray().Take(3).ToList();
        var rank = top.FindIndex(i => i.GetProperty("id").GetString() == expected);
        Assert.True(rank >= 0, $"The pushed e-reader is not among the first three: {string.Join(", ", top.Select(i => i.GetProperty("title").GetString()))}.");
        Assert.All(top.Take(rank), i => Assert.Contains("E-Reader", i.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase));

        using var similar = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/products/{Uri.EscapeDataString(expected)}/similar?k=10", UriKind.Relative), token));
        var similarIds = similar.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(10, similarIds.Count);
        Assert.DoesNotContain(expected, similarIds);
    }

    private static async Task<JsonElement> WaitForJobAsync(HttpClient client, string statusUrl, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri(statusUrl, UriKind.RelativeOrAbsolute), limit.Token));
            if (status.RootElement.GetProperty("finished").GetBoolean())
            {
                return status.RootElement.Clone();
            }

            await Task.Delay(250, limit.Token);
        }
    }
}
