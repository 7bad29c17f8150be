using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace VectorIndexer.Api.Tests;

/// <summary>
/// The write side with the indexing worker in the same host (as the all-in-one app runs it): pushed,
/// deleted and reindexed products reach the index, and the job status follows the job to its end.
/// </summary>
public sealed class IndexingEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-e2e-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task PushThenDelete_JobsSucceed_AndTheProductAppearsThenDisappears()
    {
        await using var factory = Create();
        _ = factory.Server;
        await ApiHost.SeedLiveGenerationAsync(factory.Services, [SeededApiFixture.Saucepan, SeededApiFixture.YogaMat], Token);
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);
        const string json = """[{ "id": "kettle-2", "title": "Glass electric kettle", "brand": "Kitchenly", "price": 34.9, "currency": "EUR", "category": ["Home", "Kitchen"] }]""";

        using var push = await client.PostAsync(TestHttp.Path("/api/products"), TestHttp.Json(json), Token);
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        var pushed = await WaitFinishedAsync(client, push.Headers.Location!);

        Assert.Equal("succeeded", pushed.GetProperty("state").GetString());
        Assert.Equal(1, pushed.GetProperty("accepted").GetInt64());
        Assert.Equal(0, pushed.GetProperty("rejected").GetInt64());
        using (var product = await client.GetAsync(TestHttp.Path("/api/products/kettle-2"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, product.StatusCode);
            Assert.Equal("Glass electric kettle", (await TestHttp.ReadJsonAsync(product, Token)).GetProperty("product").GetProperty("title").GetString());
        }

        using (var search = await client.GetAsync(TestHttp.Path("/api/search?q=kettle%20for%20boiling%20water&k=1"), Token))
        {
            var first = (await TestHttp.ReadJsonAsync(search, Token)).GetProperty("items")[0];
            Assert.Equal("kettle-2", first.GetProperty("id").GetString());
        }

        using var delete = await client.DeleteAsync(TestHttp.Path("/api/products/kettle-2"), Token);
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        var deleted = await WaitFinishedAsync(client, delete.Headers.Location!);

        Assert.Equal("succeeded", deleted.GetProperty("state").GetString());
        using var gone = await client.GetAsync(TestHttp.Path("/api/products/kettle-2"), Token);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Reindex_FromTheConfiguredFeed_Succeeds_ReportsTheBadRecord_AndGoesLive()
    {
        var feed = Path.Combine(_data.FullName, "catalog.jsonl");
        await File.WriteAllLinesAsync(feed,
        [
            """{ "id": "tent-1", "title": "Two-person camping tent", "price": 120 }""",
            """{ "id": "stove-1", "title": "Portable gas stove", "price": 45 }""",
            """{ "id": "lamp-1", "title": "Head lamp", "price": "bright" }""",
            """{ "id": "bag-1", "title": "Sleeping bag for cold nights", "rating": 4.6 }""",
        ], Token);
        await using var factory = Create(web => web.UseSetting("Worker:RecurringReindex:FeedLocation", feed));
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);

        using var reindex = await client.PostAsync(TestHttp.Path("/api/reindex"), null, Token);
        Assert.Equal(HttpStatusCode.Accepted, reindex.StatusCode);
        var status = await WaitFinishedAsync(client, reindex.Headers.Location!);

        Assert.True("succeeded" == status.GetProperty("state").GetString(), status.ToString());
        Assert.Equal("fullReindex", status.GetProperty("kind").GetString());
        Assert.Equal(3, status.GetProperty("accepted").GetInt64());
        Assert.Equal(1, status.GetProperty("rejected").GetInt64());
        Assert.Equal(4, status.GetProperty("processed").GetInt64());
        var bad = Assert.Single(status.GetProperty("badRecords").EnumerateArray());
        Assert.Equal(3, bad.GetProperty("line").GetInt64());
        Assert.Contains("price", bad.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var search = await client.GetAsync(TestHttp.Path("/api/search?q=tent&k=3"), Token);
        var results = await TestHttp.ReadJsonAsync(search, Token);
        Assert.Equal(status.GetProperty("generation").GetString(), results.GetProperty("generation").GetString());
        Assert.Equal("tent-1", results.GetProperty("items")[0].GetProperty("id").GetString());
    }

    private WebApplicationFactory<Program> Create(Action<IWebHostBuilder>? configure = null) =>
        ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            web.UseSetting("Api:ApiKey", ApiHost.ApiKey);
            web.UseSetting("Worker:WorkerCount", "1");
            web.UseSetting("Worker:QueuePollInterval", "00:00:00.200");
            web.UseSetting("Worker:BatchSize", "8");
            web.UseSetting("Worker:MaxRejectedShare", "0.5");
            web.UseSetting("Worker:RetryBaseDelay", "00:00:00");
            web.UseSetting("Worker:ShutdownTimeout", "00:00:05");
            web.ConfigureTestServices(services => services.AddIndexingWorker());
            configure?.Invoke(web);
        });

    /// <summary>Polls the job's status until it is finished, for at most <see cref="Patience"/>.</summary>
    private static async Task<JsonElement> WaitFinishedAsync(HttpClient client, Uri statusUrl)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(Patience);
        JsonElement status = default;
        try
        {
            while (true)
            {
                using var response = await client.GetAsync(statusUrl, timeout.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                status = await TestHttp.ReadJsonAsync(response, timeout.Token);
                if (status.GetProperty("finished").GetBoolean())
                {
                    return status;
                }

                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"The job at {statusUrl} did not finish within {Patience}; last status: {status}"));
            throw;
        }
    }
}
