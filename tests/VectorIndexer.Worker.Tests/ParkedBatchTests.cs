using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// A pushed batch that fails for good is parked: later batches go on without it, nothing else is
/// lost, and an operator sends it again (a later push of the same product still wins) or discards it.
/// </summary>
public sealed class ParkedBatchTests(EmbedderFixture fixture) : IDisposable
{
    private const string Refused = "Refused by the index";
    private readonly WorkerHarness _harness = new(fixture);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BadBatchThenGoodBatch_TheGoodOneIsSearchableTheBadOneParkedNothingElseLost()
    {
        await StartLiveAsync(4);
        var liveBefore = await ContentHashesAsync();
        _harness.Embedder.Malformed = text => text.Contains(Refused, StringComparison.Ordinal);
        var bad = await _harness.Batches.AddUpsertAsync([Products.Make("p-2", "Stainless steel kettle, new edition"), Products.Make("bad-1", $"{Refused}: folding chair")], Token);
        var good = await _harness.Batches.AddUpsertAsync([Products.Make("good-1", "Cordless hammer drill with two batteries")], Token);

        // The good batch's job runs first and meets the bad one in its catch-up.
        _harness.Context.JobId = "job-good";
        await _harness.Runner.RunAsync(good.Id, PendingBatchKind.Upsert, Token);
        _harness.Context.JobId = "job-bad";
        var failure = await Assert.ThrowsAsync<IndexingJobException>(() => _harness.Runner.RunAsync(bad.Id, PendingBatchKind.Upsert, Token));

        var goodStatus = (await _harness.Statuses.GetAsync("job-good", Token))!;
        Assert.Equal(JobState.Succeeded, goodStatus.State);
        var hits = (await _harness.Index.SearchAsync(null, new ProductQuery((await _harness.Embedder.EmbedAsync(["cordless drill"], Token))[0], Limit: 1), Token)).Hits;
        Assert.Equal("good-1", Assert.Single(hits).Product.Id);

        var parked = (await _harness.Batches.GetAsync(bad.Id, Token))!;
        Assert.Equal(PendingBatchState.Parked, parked.State);
        Assert.Contains("dimensions", parked.ParkReason, StringComparison.Ordinal);
        Assert.Equal([bad.Id], (await _harness.Batches.ListParkedAsync(cancellationToken: Token)).Select(b => b.Id));
        var badStatus = (await _harness.Statuses.GetAsync("job-bad", Token))!;
        Assert.Equal(JobState.Parked, badStatus.State);
        Assert.True(badStatus.IsFinished);
        Assert.Contains($"POST /api/batches/{bad.Id}/retry", badStatus.Message, StringComparison.Ordinal);
        Assert.Equal(badStatus.Message, failure.Message);

        // Nothing of the bad batch was written, nothing else was touched.
        Assert.Null(await _harness.Index.GetAsync(null, "bad-1", Token));
        var after = await ContentHashesAsync();
        Assert.Equal(liveBefore.Count + 1, after.Count);
        Assert.All(liveBefore, pair => Assert.Equal(pair.Value, after[pair.Key]));
        Assert.Empty(await _harness.Batches.ListUnappliedThroughAsync(long.MaxValue, cancellationToken: Token));
    }

    [Fact]
    public async Task OwnBatchRefused_IsParkedAndTheNextBatchAppliesWithoutIt()
    {
        await StartLiveAsync(2);
        _harness.Embedder.Malformed = text => text.Contains(Refused, StringComparison.Ordinal);
        var bad = await _harness.Batches.AddUpsertAsync([Products.Make("bad-1", $"{Refused}: tent")], Token);
        _harness.Context.JobId = "job-bad";
        await Assert.ThrowsAsync<IndexingJobException>(() => _harness.Runner.RunAsync(bad.Id, PendingBatchKind.Upsert, Token));
        var next = await _harness.Batches.AddDeleteAsync(["p-1"], Token);

        _harness.Context.JobId = "job-next";
        await _harness.Runner.RunAsync(next.Id, PendingBatchKind.Delete, Token);

        Assert.Equal(JobState.Parked, (await _harness.Statuses.GetAsync("job-bad", Token))!.State);
        Assert.Equal(JobState.Succeeded, (await _harness.Statuses.GetAsync("job-next", Token))!.State);
        Assert.Null(await _harness.Index.GetAsync(null, "p-1", Token));
        Assert.Equal(PendingBatchState.Parked, (await _harness.Batches.GetAsync(bad.Id, Token))!.State);
    }

    [Fact]
    public async Task RetryParked_AfterALaterPushOfTheSameProduct_AppliesTheRestAndKeepsTheLaterVersion()
    {
        await StartLiveAsync(2);
        _harness.Embedder.Malformed = text => text.Contains("first edition", StringComparison.Ordinal);
        var first = await _harness.Batches.AddUpsertAsync([Products.Make("x", "Kettle, first edition"), Products.Make("y", "Teapot, first edition")], Token);
        _harness.Context.JobId = "job-1";
        await Assert.ThrowsAsync<IndexingJobException>(() => _harness.Runner.RunAsync(first.Id, PendingBatchKind.Upsert, Token));
        var later = await _harness.Batches.AddUpsertAsync([Products.Make("x", "Kettle, second edition")], Token);
        _harness.Context.JobId = "job-2";
        await _harness.Runner.RunAsync(later.Id, PendingBatchKind.Upsert, Token);

        // The cause is mended; the operator sends the parked batch again.
        _harness.Embedder.Malformed = null;
        var again = await _harness.Batches.RetryParkedAsync(first.Id, Token);
        Assert.NotNull(again);
        Assert.NotEqual(first.Id, again.Id);
        Assert.Equal(first.Sequence, again.RetryOf);
        Assert.True(again.Sequence > later.Sequence);
        Assert.Null(await _harness.Batches.GetAsync(first.Id, Token));
        Assert.Null(await _harness.Batches.RetryParkedAsync(first.Id, Token));
        _harness.Context.JobId = "job-3";
        await _harness.Runner.RunAsync(again.Id, PendingBatchKind.Upsert, Token);

        Assert.Equal("Kettle, second edition", (await _harness.Index.GetAsync(null, "x", Token))!.Product.Title);
        Assert.Equal("Teapot, first edition", (await _harness.Index.GetAsync(null, "y", Token))!.Product.Title);
        Assert.Equal(PendingBatchState.Applied, (await _harness.Batches.GetAsync(again.Id, Token))!.State);
        Assert.Equal(JobState.Succeeded, (await _harness.Statuses.GetAsync("job-3", Token))!.State);
    }

    [Fact]
    public async Task RetryParked_InARebuild_TheReplayKeepsTheLaterVersionToo()
    {
        await StartLiveAsync(2);
        _harness.Embedder.Malformed = text => text.Contains("first edition", StringComparison.Ordinal);
        var first = await _harness.Batches.AddUpsertAsync([Products.Make("x", "Kettle, first edition"), Products.Make("y", "Teapot, first edition")], Token);
        _harness.Context.JobId = "job-1";
        await Assert.ThrowsAsync<IndexingJobException>(() => _harness.Runner.RunAsync(first.Id, PendingBatchKind.Upsert, Token));
        await _harness.Batches.AddUpsertAsync([Products.Make("x", "Kettle, second edition")], Token);
        _harness.Embedder.Malformed = null;
        await _harness.Batches.RetryParkedAsync(first.Id, Token);

        // Neither job has run: a rebuild replays both, in order, and the retried one loses x.
        _harness.Feed.Add("v2", Products.Feed(2));
        await _harness.RunReindexAsync("rebuild", "v2", Token);

        Assert.Equal("Kettle, second edition", (await _harness.Index.GetAsync(null, "x", Token))!.Product.Title);
        Assert.Equal("Teapot, first edition", (await _harness.Index.GetAsync(null, "y", Token))!.Product.Title);
        Assert.Empty(await _harness.Batches.ListParkedAsync(cancellationToken: Token));
    }

    [Fact]
    public async Task Rebuild_WithABatchThatFailsForGood_ParksItAndSwitchesWithTheOthers()
    {
        await StartLiveAsync(3);
        _harness.Embedder.Malformed = text => text.Contains(Refused, StringComparison.Ordinal);
        var bad = await _harness.Batches.AddUpsertAsync([Products.Make("bad-1", $"{Refused}: lamp")], Token);
        var good = await _harness.Batches.AddUpsertAsync([Products.Make("good-1", "Desk lamp with a dimmer")], Token);
        _harness.Feed.Add("v2", Products.Feed(3));

        await _harness.RunReindexAsync("rebuild", "v2", Token);

        var status = (await _harness.Statuses.GetAsync("rebuild", Token))!;
        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal(status.Generation, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.NotNull(await _harness.Index.GetAsync(null, "good-1", Token));
        Assert.Null(await _harness.Index.GetAsync(null, "bad-1", Token));
        Assert.Equal(PendingBatchState.Parked, (await _harness.Batches.GetAsync(bad.Id, Token))!.State);
        Assert.Equal(status.Generation, (await _harness.Batches.GetAsync(good.Id, Token))!.AppliedGeneration);

        // Parked batches no longer hold back where the next rebuild starts its replay.
        Assert.Equal(await _harness.Batches.GetLastSequenceAsync(Token), await _harness.Batches.GetReplayStartAsync(Token));
    }

    [Fact]
    public async Task DeleteParked_DiscardsOnlyAParkedBatch()
    {
        await StartLiveAsync(1);
        _harness.Embedder.Malformed = text => text.Contains(Refused, StringComparison.Ordinal);
        var bad = await _harness.Batches.AddUpsertAsync([Products.Make("bad-1", $"{Refused}: rug")], Token);
        var pending = await _harness.Batches.AddDeleteAsync(["p-1"], Token);
        _harness.Context.JobId = "job-bad";
        await Assert.ThrowsAsync<IndexingJobException>(() => _harness.Runner.RunAsync(bad.Id, PendingBatchKind.Upsert, Token));

        Assert.False(await _harness.Batches.DeleteParkedAsync(pending.Id, Token));
        Assert.True(await _harness.Batches.DeleteParkedAsync(bad.Id, Token));
        Assert.False(await _harness.Batches.DeleteParkedAsync(bad.Id, Token));

        Assert.Null(await _harness.Batches.GetAsync(bad.Id, Token));
        Assert.NotNull(await _harness.Batches.GetAsync(pending.Id, Token));
    }

    public void Dispose() => _harness.Dispose();

    private async Task StartLiveAsync(int products)
    {
        _harness.Feed.Add("v1", Products.Feed(products));
        await _harness.RunReindexAsync("initial", "v1", Token);
    }

    private async Task<Dictionary<string, string>> ContentHashesAsync()
    {
        var ids = Enumerable.Range(1, 10).Select(i => $"p-{i}").Append("good-1").Append("bad-1").ToList();
        var hashes = await _harness.Index.GetContentHashesAsync(null, ids, Token);
        return hashes.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }
}
