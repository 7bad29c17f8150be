using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

public sealed class FullReindexJobTests(EmbedderFixture fixture) : IDisposable
{
    private readonly WorkerHarness _harness = new(fixture);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ValidFeed_SwitchesToTheNewGenerationAndDropsTheOld()
    {
        _harness.Feed.Add("v1", Products.Feed(6));
        _harness.Feed.Add("v2", Products.Feed(9, badLines: []));
        await _harness.RunReindexAsync("job-1", "v1", Token);
        var first = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;

        await _harness.RunReindexAsync("job-2", "v2", Token);

        var generations = await _harness.Index.ListGenerationsAsync(Token);
        var live = Assert.Single(generations);
        Assert.True(live.IsLive);
        Assert.NotEqual(first, live.Name);
        Assert.Equal(9, await _harness.Index.CountAsync(null, null, Token));
        var status = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Succeeded, status!.State);
        Assert.Equal(live.Name, status.Generation);
        Assert.Equal(9, status.Processed);
        Assert.Equal(9, status.Total);
        Assert.Equal(9, status.Accepted);
        Assert.Equal(0, status.Rejected);
        Assert.Equal(TimeSpan.Zero, status.Eta);
        Assert.NotNull(status.FinishedAt);
    }

    [Fact]
    public async Task Run_SecondReindexWithOneChangedProduct_ReEmbedsOnlyThatProduct()
    {
        var first = Products.Feed(20, badLines: []);
        var second = first.ToList();
        second[7] = CatalogFeedItem.Accepted(8, first[7].Product! with { Title = "Cast iron kettle, enamelled, 1.5 l" });
        _harness.Feed.Add("v1", first);
        _harness.Feed.Add("v2", second);
        await _harness.RunReindexAsync("job-1", "v1", Token);
        var embeddedByFirst = _harness.Embedder.Texts;

        await _harness.RunReindexAsync("job-2", "v2", Token);

        Assert.Equal(20, embeddedByFirst);
        Assert.Equal(1, _harness.Embedder.Texts - embeddedByFirst);
        Assert.Equal(20, await _harness.Index.CountAsync(null, null, Token));
        var changed = await _harness.Index.GetAsync(null, first[7].Product!.Id, Token);
        Assert.Equal("Cast iron kettle, enamelled, 1.5 l", changed!.Product.Title);
        var unchanged = await _harness.Index.GetAsync(null, first[3].Product!.Id, Token);
        Assert.Equal(first[3].Product!.Title, unchanged!.Product.Title);
    }

    [Fact]
    public async Task Run_RejectedShareOverThreshold_FailsWithTheBadLinesAndLeavesLiveUntouched()
    {
        _harness.Feed.Add("good", Products.Feed(5));
        _harness.Feed.Add("bad", Products.Feed(50, badLines: [3, 41]));
        await _harness.RunReindexAsync("job-1", "good", Token);
        var liveBefore = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;

        var failure = await Assert.ThrowsAsync<IndexingJobException>(() => _harness.RunReindexAsync("job-2", "bad", Token));

        Assert.Contains("2 bad records out of 50", failure.Message, StringComparison.Ordinal);
        Assert.Contains("line 3: price is not a number", failure.Message, StringComparison.Ordinal);
        Assert.Contains("line 41:", failure.Message, StringComparison.Ordinal);
        Assert.Contains("live index is unchanged", failure.Message, StringComparison.Ordinal);
        var generations = await _harness.Index.ListGenerationsAsync(Token);
        Assert.Equal([liveBefore], generations.Select(g => g.Name));
        Assert.Equal(5, await _harness.Index.CountAsync(null, null, Token));
        var status = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Failed, status!.State);
        Assert.Equal(failure.Message, status.Message);
        Assert.Equal([3L, 41L], status.BadRecords.Select(r => r.LineNumber));
    }

    [Fact]
    public async Task Run_RejectedShareWithinThreshold_Switches()
    {
        _harness.Feed.Add("mostly-good", Products.Feed(200, badLines: [17, 120]));

        await _harness.RunReindexAsync("job-1", "mostly-good", Token);

        Assert.Equal(198, await _harness.Index.CountAsync(null, null, Token));
        var status = await _harness.Statuses.GetAsync("job-1", Token);
        Assert.Equal(JobState.Succeeded, status!.State);
        Assert.Equal(2, status.Rejected);
        Assert.Equal([17L, 120L], status.BadRecords.Select(r => r.LineNumber));
    }

    [Fact]
    public async Task Run_EmptyFeed_FailsWithoutCreatingALiveGeneration()
    {
        _harness.Feed.Add("empty", []);

        var failure = await Assert.ThrowsAsync<IndexingJobException>(() => _harness.RunReindexAsync("job-1", "empty", Token));

        Assert.Contains("has no records", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await _harness.Index.ListGenerationsAsync(Token));
    }

    [Fact]
    public async Task Run_Cancelled_DropsTheNewGenerationAndLeavesLiveUntouched()
    {
        _harness.Feed.Add("good", Products.Feed(5));
        _harness.Feed.Add("long", Products.Feed(40));
        await _harness.RunReindexAsync("job-1", "good", Token);
        var liveBefore = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        _harness.Feed.OnItem = position =>
        {
            if (position == 20)
            {
                cancel.Cancel();
            }

            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.RunReindexAsync("job-2", "long", cancel.Token));

        Assert.Equal([liveBefore], (await _harness.Index.ListGenerationsAsync(Token)).Select(g => g.Name));
        Assert.Equal(5, await _harness.Index.CountAsync(null, null, Token));
        Assert.Equal(JobState.Cancelled, (await _harness.Statuses.GetAsync("job-2", Token))!.State);
    }

    [Fact]
    public async Task Run_InterruptedByShutdown_ResumesIntoTheSameGenerationWithoutReembedding()
    {
        _harness.Feed.Add("good", Products.Feed(3));
        _harness.Feed.Add("long", Products.Feed(30, badLines: []));
        await _harness.RunReindexAsync("job-1", "good", Token);
        var liveBefore = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        _harness.Feed.OnItem = position =>
        {
            if (position == 18)
            {
                _harness.Lifetime.StopApplication();
                cancel.Cancel();
            }

            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.RunReindexAsync("job-2", "long", cancel.Token));

        var interrupted = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Interrupted, interrupted!.State);
        Assert.Equal(16, interrupted.Processed); // the last checkpoint: four batches of four
        Assert.Equal(liveBefore, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Equal(2, (await _harness.Index.ListGenerationsAsync(Token)).Count);

        _harness.Feed.OnItem = null;
        var embeddedBefore = _harness.Embedder.Texts;
        await _harness.RunReindexAsync("job-2", "long", Token);

        var done = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Succeeded, done!.State);
        Assert.Equal(interrupted.Generation, done.Generation);
        Assert.Equal(done.Generation, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Single(await _harness.Index.ListGenerationsAsync(Token));
        Assert.Equal(30, await _harness.Index.CountAsync(null, null, Token));
        Assert.Equal(30, done.Accepted);
        Assert.Equal(14, _harness.Embedder.Texts - embeddedBefore);
    }

    [Fact]
    public async Task Run_ChangesPushedDuringTheRebuild_ArePresentAfterTheSwitch()
    {
        _harness.Feed.Add("v1", Products.Feed(4));
        _harness.Feed.Add("v2", Products.Feed(12));
        await _harness.RunReindexAsync("job-1", "v1", Token);
        _harness.Feed.OnItem = async position =>
        {
            if (position == 6)
            {
                // As the API and the batch jobs would, while the rebuild reads its feed.
                var upsert = await _harness.Batches.AddUpsertAsync([Products.Make("pushed-1", "Espresso machine with milk frother")], Token);
                await _harness.Runner.RunAsync(upsert.Id, PendingBatchKind.Upsert, Token);
                var delete = await _harness.Batches.AddDeleteAsync(["p-2", "p-9"], Token);
                await _harness.Runner.RunAsync(delete.Id, PendingBatchKind.Delete, Token);
            }
        };

        await _harness.RunReindexAsync("job-2", "v2", Token);

        Assert.NotNull(await _harness.Index.GetAsync(null, "pushed-1", Token));
        Assert.Null(await _harness.Index.GetAsync(null, "p-2", Token));
        Assert.Null(await _harness.Index.GetAsync(null, "p-9", Token));
        Assert.NotNull(await _harness.Index.GetAsync(null, "p-12", Token));
        Assert.Equal(12 + 1 - 2, await _harness.Index.CountAsync(null, null, Token));
        Assert.Contains("2 pushed batches replayed", (await _harness.Statuses.GetAsync("job-2", Token))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AgainAfterSuccess_DoesNothing()
    {
        _harness.Feed.Add("v1", Products.Feed(4));
        await _harness.RunReindexAsync("job-1", "v1", Token);
        var live = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        var reads = _harness.Feed.Reads;

        await _harness.RunReindexAsync("job-1", "v1", Token);

        Assert.Equal(reads, _harness.Feed.Reads);
        Assert.Equal(live, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
    }

    [Fact]
    public async Task Run_CheckpointedGenerationOfAnotherModel_StartsCleanlyInANewGeneration()
    {
        _harness.Feed.Add("v1", Products.Feed(4));
        await _harness.Index.CreateGenerationAsync(new Core.Indexing.IndexModel("other", 3), Token);
        var wrong = await _harness.Index.ListGenerationsAsync(Token);
        await _harness.Statuses.SaveAsync(new JobStatus { JobId = "job-1", Kind = JobKind.FullReindex, State = JobState.Interrupted, Generation = wrong[0].Name }, Token);

        // The checkpointed generation holds another model: the run starts cleanly in a new one.
        await _harness.RunReindexAsync("job-1", "v1", Token);

        var live = await _harness.Index.GetLiveGenerationAsync(Token);
        Assert.NotEqual(wrong[0].Name, live!.Name);
        Assert.Equal(4, await _harness.Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task PushedBatch_WithNoLiveGeneration_StaysPendingAndTheNextReindexAppliesIt()
    {
        var upsert = await _harness.Batches.AddUpsertAsync([Products.Make("early", "Cordless drill")], Token);
        _harness.Context.JobId = "upsert-1";
        await _harness.Runner.RunAsync(upsert.Id, PendingBatchKind.Upsert, Token);
        Assert.Contains("stays pending", (await _harness.Statuses.GetAsync("upsert-1", Token))!.Message, StringComparison.Ordinal);
        Assert.Null((await _harness.Batches.GetAsync(upsert.Id, Token))!.AppliedAt);

        _harness.Feed.Add("v1", Products.Feed(3));
        await _harness.RunReindexAsync("job-1", "v1", Token);

        Assert.Equal("Cordless drill", (await _harness.Index.GetAsync(null, "early", Token))!.Product.Title);
        Assert.Equal(4, await _harness.Index.CountAsync(null, null, Token));
        Assert.NotNull((await _harness.Batches.GetAsync(upsert.Id, Token))!.AppliedAt);
    }

    [Fact]
    public async Task PushedBatch_Unknown_FailsWithAFatalError()
    {
        var failure = await Assert.ThrowsAsync<IndexingJobException>(() => _harness.Runner.RunAsync("nope", PendingBatchKind.Upsert, Token));

        Assert.Contains("nope", failure.Message, StringComparison.Ordinal);
        Assert.False(TransientFailures.IsTransient(failure));
    }

    public void Dispose() => _harness.Dispose();
}

/// <summary>A reindex requested while another of the same feed ran ("Trigger now", the schedule) ends at once when nothing changed.</summary>
public sealed class ReindexNoOpTests(EmbedderFixture fixture) : IDisposable
{
    private readonly WorkerHarness _harness = new(fixture);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reindex_RequestedWhileTheSameFeedWasRebuilt_EndsAtOnceWithoutReadingOrEmbedding()
    {
        _harness.Feed.Add("catalog", Products.Feed(8));
        var requested = DateTimeOffset.UtcNow;
        await RunAsync("job-1", "catalog", requestedAt: requested.AddSeconds(-1));
        var live = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        var (reads, embedded) = (_harness.Feed.Reads, _harness.Embedder.Texts);

        await RunAsync("job-2", "catalog", requestedAt: requested);

        var status = (await _harness.Statuses.GetAsync("job-2", Token))!;
        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Contains("Nothing to do: reindex job-1", status.Message, StringComparison.Ordinal);
        Assert.Equal(live, status.Generation);
        Assert.Equal(requested.ToUnixTimeMilliseconds(), status.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal(live, Assert.Single(await _harness.Index.ListGenerationsAsync(Token)).Name);
        Assert.Equal(reads, _harness.Feed.Reads);
        Assert.Equal(embedded, _harness.Embedder.Texts);
    }

    [Fact]
    public async Task Reindex_RequestedWhileTheSameFeedWasRebuilt_ButTheFeedChangedSince_Rebuilds()
    {
        _harness.Feed.Add("catalog", Products.Feed(8));
        var requested = DateTimeOffset.UtcNow;
        await RunAsync("job-1", "catalog", requestedAt: requested.AddSeconds(-1));
        var first = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        _harness.Feed.Add("catalog", Products.Feed(9));

        await RunAsync("job-2", "catalog", requestedAt: requested);

        Assert.NotEqual(first, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Equal(9, await _harness.Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task Reindex_RequestedAfterTheLastOneFinished_RebuildsEvenWhenNothingChanged()
    {
        _harness.Feed.Add("catalog", Products.Feed(8));
        await RunAsync("job-1", "catalog", requestedAt: DateTimeOffset.UtcNow);
        var first = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;

        await RunAsync("job-2", "catalog", requestedAt: DateTimeOffset.UtcNow.AddSeconds(1));

        Assert.NotEqual(first, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.DoesNotContain("Nothing to do", (await _harness.Statuses.GetAsync("job-2", Token))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reindex_RequestedWhileAnotherFeedWasRebuilt_Rebuilds()
    {
        _harness.Feed.Add("a", Products.Feed(8));
        _harness.Feed.Add("b", Products.Feed(5));
        var requested = DateTimeOffset.UtcNow;
        await RunAsync("job-1", "a", requestedAt: requested.AddSeconds(-1));

        await RunAsync("job-2", "b", requestedAt: requested);

        Assert.Equal(5, await _harness.Index.CountAsync(null, null, Token));
    }

    public void Dispose() => _harness.Dispose();

    private async Task RunAsync(string jobId, string feed, DateTimeOffset requestedAt)
    {
        _harness.Context.Set(jobId, requestedAt);
        await _harness.ReindexJob().RunAsync(feed, null, Token);
    }
}
