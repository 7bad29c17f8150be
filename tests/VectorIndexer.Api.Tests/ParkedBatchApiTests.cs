using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Api.Tests;

/// <summary>
/// The operator's side of parked batches: list them, read one, send it again or discard it. No worker
/// runs, so the test parks a pushed batch through the store, as a worker that failed it for good would.
/// </summary>
public sealed class ParkedBatchApiTests(WriteApiFixture api) : IClassFixture<WriteApiFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ParkedBatch_IsListed_SentAgainAsANewBatch_AndTheOldIdIsGone()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);
        var (batchId, _) = await PushAsync(client, "park-retry");
        var batches = api.Factory.Services.GetRequiredService<PendingBatchStore>();
        Assert.True(await batches.ParkAsync(batchId, "ArgumentException: the vector has 385 dimensions", Token));

        using (var list = await client.GetAsync(TestHttp.Path("/api/batches"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var listed = (await TestHttp.ReadJsonAsync(list, Token)).GetProperty("batches").EnumerateArray().ToList();
            var entry = Assert.Single(listed, b => b.GetProperty("batchId").GetString() == batchId);
            Assert.Equal("parked", entry.GetProperty("state").GetString());
            Assert.Contains("385 dimensions", entry.GetProperty("parkReason").GetString(), StringComparison.Ordinal);
        }

        using (var one = await client.GetAsync(TestHttp.Path($"/api/batches/{batchId}"), Token))
        {
            var body = await TestHttp.ReadJsonAsync(one, Token);
            Assert.Equal("upsert", body.GetProperty("kind").GetString());
            Assert.Equal(["park-retry"], body.GetProperty("productIds").EnumerateArray().Select(e => e.GetString()));
        }

        using var retry = await client.PostAsync(TestHttp.Path($"/api/batches/{batchId}/retry"), null, Token);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var accepted = await TestHttp.ReadJsonAsync(retry, Token);
        var newBatch = accepted.GetProperty("batchId").GetString()!;
        Assert.NotEqual(batchId, newBatch);
        Assert.Equal(accepted.GetProperty("statusUrl").GetString(), retry.Headers.Location!.OriginalString);

        using (var job = await client.GetAsync(retry.Headers.Location, Token))
        {
            var status = await TestHttp.ReadJsonAsync(job, Token);
            Assert.Equal("enqueued", status.GetProperty("state").GetString());
            Assert.Equal(newBatch, status.GetProperty("batchId").GetString());
        }

        using (var resent = await client.GetAsync(TestHttp.Path($"/api/batches/{newBatch}"), Token))
        {
            var body = await TestHttp.ReadJsonAsync(resent, Token);
            Assert.Equal("pending", body.GetProperty("state").GetString());
            Assert.True(body.GetProperty("retryOf").GetInt64() > 0);
        }

        using var old = await client.GetAsync(TestHttp.Path($"/api/batches/{batchId}"), Token);
        await TestHttp.AssertProblemAsync(old, HttpStatusCode.NotFound, Token);
        using var again = await client.PostAsync(TestHttp.Path($"/api/batches/{batchId}/retry"), null, Token);
        await TestHttp.AssertProblemAsync(again, HttpStatusCode.NotFound, Token);
    }

    [Fact]
    public async Task PendingBatch_CannotBeSentAgainOrDiscarded_ButAParkedOneCanBeDiscarded()
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);
        var (pending, _) = await PushAsync(client, "park-pending");
        var (parked, _) = await PushAsync(client, "park-discard");
        Assert.True(await api.Factory.Services.GetRequiredService<PendingBatchStore>().ParkAsync(parked, "refused", Token));

        using var retryPending = await client.PostAsync(TestHttp.Path($"/api/batches/{pending}/retry"), null, Token);
        var conflict = await TestHttp.AssertProblemAsync(retryPending, HttpStatusCode.Conflict, Token);
        Assert.Contains("pending", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var deletePending = await client.DeleteAsync(TestHttp.Path($"/api/batches/{pending}"), Token);
        await TestHttp.AssertProblemAsync(deletePending, HttpStatusCode.Conflict, Token);

        using (var listPending = await client.GetAsync(TestHttp.Path("/api/batches?state=pending&limit=1000"), Token))
        {
            var ids = (await TestHttp.ReadJsonAsync(listPending, Token)).GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("batchId").GetString()).ToList();
            Assert.Contains(pending, ids);
            Assert.DoesNotContain(parked, ids);
        }

        using var discard = await client.DeleteAsync(TestHttp.Path($"/api/batches/{parked}"), Token);
        Assert.Equal(HttpStatusCode.NoContent, discard.StatusCode);
        using var gone = await client.GetAsync(TestHttp.Path($"/api/batches/{parked}"), Token);
        await TestHttp.AssertProblemAsync(gone, HttpStatusCode.NotFound, Token);
    }

    [Theory]
    [InlineData("/api/batches?state=stuck", "state")]
    [InlineData("/api/batches?limit=0", "limit")]
    [InlineData("/api/batches?limit=1001", "limit")]
    public async Task ListBatches_WithABadParameter_Answers400NamingIt(string path, string field)
    {
        using var client = TestHttp.Client(api.Factory, ApiHost.ApiKey);

        using var response = await client.GetAsync(TestHttp.Path(path), Token);

        var problem = await TestHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest, Token);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("GET", "/api/batches")]
    [InlineData("GET", "/api/batches/some-id")]
    [InlineData("POST", "/api/batches/some-id/retry")]
    [InlineData("DELETE", "/api/batches/some-id")]
    public async Task BatchEndpoints_WithoutTheKey_Answer401(string method, string path)
    {
        using var client = TestHttp.Client(api.Factory);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), TestHttp.Path(path)), Token);

        await TestHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized, Token);
    }

    private static async Task<(string BatchId, string JobId)> PushAsync(HttpClient client, string id)
    {
        using var push = await client.PostAsync(TestHttp.Path("/api/products"), TestHttp.Json($$"""[{ "id": "{{id}}", "title": "Camping lantern" }]"""), Token);
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        var body = await TestHttp.ReadJsonAsync(push, Token);
        return (body.GetProperty("batchId").GetString()!, body.GetProperty("jobId").GetString()!);
    }
}
