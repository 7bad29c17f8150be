using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Api.Tests;

/// <summary>A query API with an API key, a small batch limit and one named feed; no worker runs, so jobs stay enqueued.</summary>
public sealed class WriteApiFixture : IAsyncLifetime
{
    public const int MaxBatchSize = 5;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-write-");

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string NightlyFeed => Path.Combine(_data.FullName, "nightly.jsonl");

    public ValueTask InitializeAsync()
    {
        Factory = ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            web.UseSetting("Api:ApiKey", ApiHost.ApiKey);
            web.UseSetting("Api:MaxBatchSize", MaxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Api:Feeds:nightly:Location", NightlyFeed);
            web.UseSetting("Api:Feeds:nightly:Mapping", "default");
        });
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        _data.Delete(recursive: true);
    }
}

/// <summary>Pushing and deleting products, starting reindexes and reading job status, without a worker.</summary>
public sealed class ProductPushTests(WriteApiFixture api) : IClassFixture<WriteApiFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> InvalidBatches => new()
    {
        { "missing id", """[{ "title": "Pan" }]""", "products[0].id" },
        { "missing title", """[{ "id": "a", "title": "A" }, { "id": "b" }]""", "products[1].title" },
        { "blank title", """[{ "id": "a", "title": "   " }]""", "products[0].title" },
        { "id too long", $$"""[{ "id": "{{new string('x', 129)}}", "title": "A" }]""", "products[0].id" },
        { "id with a line break", """[{ "id": "a\nb", "title": "A" }]""", "products[0].id" },
        { "negative price", """[{ "id": "a", "title": "A", "price": -1 }]""", "products[0].price" },
        { "rating above 5", """[{ "id": "a", "title": "A" }, { "id": "b", "title": "B", "rating": 5.5 }]""", "products[1].rating" },
        { "negative rating", """[{ "id": "a", "title": "A", "rating": -0.5 }]""", "products[0].rating" },
        { "price not a number", """[{ "id": "a", "title": "A", "price": "cheap" }]""", "products[0].price" },
        { "inStock not a boolean", """[{ "id": "a", "title": "A", "inStock": "maybe" }]""", "products[0].inStock" },
        { "title an object", """[{ "id": "a", "title": { "en": "A" } }]""", "products[0].title" },
        { "category holds an object", """[{ "id": "a", "title": "A", "category": [{ "x": 1 }] }]""", "products[0].category" },
        { "product not an object", """[{ "id": "a", "title": "A" }, 5]""", "products[1]" },
        { "object form, negative price", """{ "products": [{ "id": "a", "title": "A", "price": -2 }] }""", "products[0].price" },
        { "duplicate id", """[{ "id": "a", "title": "A" }, { "id": "a", "title": "A again" }]""", "products[1].id" },
        { "malformed JSON", """[{ "id": "a", "title": """, "body" },
        { "not an array", """{ "items": [] }""", "products" },
        { "products not an array", """{ "products": { "id": "a" } }""", "products" },
        { "a string", "\"a\"", "products" },
        { "empty batch", "[]", "products" },
        { "over the batch size", "[" + string.Join(",", Enumerable.Range(0, WriteApiFixture.MaxBatchSize + 1).Select(i => $$"""{ "id": "p{{i}}", "title": "P" }""")) + "]", "products" },
    };

    [Theory]
    [MemberData(nameof(InvalidBatches))]
    public async Task PushProducts_InvalidBatch_Is400NamingTheFieldAndStoresNothing(string problem, string json, string field)
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);
        var batches = api.Factory.Services.GetRequiredService<PendingBatchStore>();
        var before = await batches.GetLastSequenceAsync(Token);

        using var response = await client.PostAsync(TestHttp.Path("/api/products"), TestHttp.Json(json), Token);

        var body = await TestHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest, Token);
        Assert.True(TestHttp.ErrorFields(body).SequenceEqual([field]), $"{problem}: errors {body.GetProperty("errors")}");
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("errors").GetProperty(field)[0].GetString()));
        Assert.Equal(before, await batches.GetLastSequenceAsync(Token));
    }

    [Fact]
    public async Task PushProducts_SeveralBadProducts_NamesEachOne()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);
        const string json = """[{ "id": "a" }, { "id": "b", "title": "B", "price": -3 }, { "id": "c", "title": "C" }, { "id": "d", "title": "D", "rating": 9 }]""";

        using var response = await client.PostAsync(TestHttp.Path("/api/products"), TestHttp.Json(json), Token);

        var body = await TestHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest, Token);
        Assert.Equal(["products[0].title", "products[1].price", "products[3].rating"], TestHttp.ErrorFields(body).Order(StringComparer.Ordinal));
        Assert.Contains("negative", body.GetProperty("errors").GetProperty("products[1].price")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushProducts_NotJson_Is415()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);
        using var content = new StringContent("""[{ "id": "a", "title": "A" }]""", Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync(TestHttp.Path("/api/products"), content, Token);

        await TestHttp.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, Token);
    }

    [Fact]
    public async Task PushProducts_ValidBatch_Is202WithJobAndLocation_AndTheJobIsEnqueuedWithTheBatch()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);
        const string json = """
            { "products": [
              { "id": "mug-1", "title": "Ceramic coffee mug", "price": 9.5, "currency": "eur", "rating": 4.5, "category": ["Home", "Kitchen"] },
              { "id": "mug-2", "title": "Travel mug", "inStock": false, "attributes": { "capacity": "0.4 l" } }
            ] }
            """;

        using var response = await client.PostAsync(TestHttp.Path("/api/products"), TestHttp.Json(json), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await TestHttp.ReadJsonAsync(response, Token);
        var jobId = accepted.GetProperty("jobId").GetString()!;
        var batchId = accepted.GetProperty("batchId").GetString()!;
        var statusUrl = accepted.GetProperty("statusUrl").GetString()!;
        Assert.Equal($"/api/jobs/{jobId}", statusUrl);
        Assert.Equal(statusUrl, response.Headers.Location?.OriginalString);

        var batch = await api.Factory.Services.GetRequiredService<PendingBatchStore>().GetAsync(batchId, Token);
        Assert.NotNull(batch);
        Assert.Equal(["mug-1", "mug-2"], batch.Products.Select(p => p.Id));
        Assert.Equal("EUR", batch.Products[0].Currency);
        Assert.Equal(9.5m, batch.Products[0].Price);
        Assert.Equal("0.4 l", batch.Products[1].Attributes["capacity"]);

        using var statusResponse = await client.GetAsync(TestHttp.Path(statusUrl), Token);
        Assert.Equal(HttpStatusCode.OK, statusResponse.StatusCode);
        var status = await TestHttp.ReadJsonAsync(statusResponse, Token);
        Assert.Equal(jobId, status.GetProperty("jobId").GetString());
        Assert.Equal("upsert", status.GetProperty("kind").GetString());
        Assert.Equal("enqueued", status.GetProperty("state").GetString());
        Assert.False(status.GetProperty("finished").GetBoolean());
        Assert.Equal(2, status.GetProperty("total").GetInt64());
        Assert.Equal(batchId, status.GetProperty("batchId").GetString());
    }

    [Fact]
    public async Task PushProducts_BareArray_Is202()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.PostAsync(TestHttp.Path("/api/products"), TestHttp.Json("""[{ "id": "lamp-1", "title": "Desk lamp" }]"""), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
    }

    [Fact]
    public async Task DeleteProduct_Is202_AndTheJobIsADelete()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.DeleteAsync(TestHttp.Path("/api/products/mug-1"), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await TestHttp.ReadJsonAsync(response, Token);
        var batch = await api.Factory.Services.GetRequiredService<PendingBatchStore>().GetAsync(accepted.GetProperty("batchId").GetString()!, Token);
        Assert.Equal(["mug-1"], batch!.ProductIds);
        using var statusResponse = await client.GetAsync(response.Headers.Location, Token);
        var status = await TestHttp.ReadJsonAsync(statusResponse, Token);
        Assert.Equal("delete", status.GetProperty("kind").GetString());
        Assert.Equal(1, status.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task DeleteProduct_IdTooLong_Is400NamingTheId()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.DeleteAsync(TestHttp.Path("/api/products/" + new string('x', 129)), Token);

        var body = await TestHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest, Token);
        Assert.Equal(["id"], TestHttp.ErrorFields(body));
    }

    [Fact]
    public async Task GetJob_Unknown_Is404ProblemDetails()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.GetAsync(TestHttp.Path("/api/jobs/987654321"), Token);

        await TestHttp.AssertProblemAsync(response, HttpStatusCode.NotFound, Token);
    }

    [Fact]
    public async Task Reindex_WithoutADefaultFeed_Is409SayingWhatToConfigure()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.PostAsync(TestHttp.Path("/api/reindex"), null, Token);

        var body = await TestHttp.AssertProblemAsync(response, HttpStatusCode.Conflict, Token);
        var detail = body.GetProperty("detail").GetString();
        Assert.Contains("Worker:RecurringReindex:FeedLocation", detail, StringComparison.Ordinal);
        Assert.Contains("nightly", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weekly")]
    [InlineData("/etc/passwd")]
    [InlineData("../nightly.jsonl")]
    public async Task Reindex_FeedThatIsNotConfigured_Is400AndReadsNothing(string feed)
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.PostAsync(TestHttp.Path("/api/reindex?feed=" + Uri.EscapeDataString(feed)), null, Token);

        var body = await TestHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest, Token);
        Assert.Equal(["feed"], TestHttp.ErrorFields(body));
        Assert.DoesNotContain(api.NightlyFeed, body.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nightly")]
    [InlineData("NIGHTLY")]
    public async Task Reindex_NamedFeed_Is202AndTheJobReadsTheConfiguredLocation(string feed)
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.PostAsync(TestHttp.Path("/api/reindex?feed=" + feed), null, Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await TestHttp.ReadJsonAsync(response, Token);
        var jobId = accepted.GetProperty("jobId").GetString()!;
        Assert.Equal(JsonValueKind.Null, accepted.GetProperty("batchId").ValueKind);
        var stored = await api.Factory.Services.GetRequiredService<JobStatusStore>().GetAsync(jobId, Token);
        Assert.Equal(JobKind.FullReindex, stored!.Kind);
        Assert.Equal(api.NightlyFeed, stored.FeedLocation);

        using var statusResponse = await client.GetAsync(response.Headers.Location, Token);
        var status = await TestHttp.ReadJsonAsync(statusResponse, Token);
        Assert.Equal("fullReindex", status.GetProperty("kind").GetString());
        Assert.DoesNotContain(api.NightlyFeed, status.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reindex_DefaultFeed_Is202_AndASecondRequestWhileItWaitsGetsTheSameJob()
    {
        var folder = Directory.CreateTempSubdirectory("vi-api-reindex-");
        try
        {
            var feed = Path.Combine(folder.FullName, "catalog.jsonl");
            await using var factory = ApiHost.Create(folder.FullName).WithWebHostBuilder(web =>
            {
                web.UseSetting("Api:ApiKey", ApiHost.ApiKey);
                web.UseSetting("Worker:RecurringReindex:FeedLocation", feed);
            });
            using var client = TestHttp.Client(factory, ApiHost.ApiKey);

            using var first = await client.PostAsync(TestHttp.Path("/api/reindex"), null, Token);
            using var second = await client.PostAsync(TestHttp.Path("/api/reindex"), null, Token);

            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
            var jobId = (await TestHttp.ReadJsonAsync(first, Token)).GetProperty("jobId").GetString()!;
            Assert.Equal(jobId, (await TestHttp.ReadJsonAsync(second, Token)).GetProperty("jobId").GetString());
            Assert.Equal(feed, (await factory.Services.GetRequiredService<JobStatusStore>().GetAsync(jobId, Token))!.FeedLocation);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
