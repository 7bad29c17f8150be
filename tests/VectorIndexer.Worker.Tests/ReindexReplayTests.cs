using Microsoft.Data.Sqlite;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// Pushed batches accepted during a rebuild reach the new live generation whatever fails around the
/// switch: the replay under the apply lock, the lock itself, or marking the batches applied. Faults
/// are injected into the real SQLite pending-batch store (<see cref="FaultingPendingBatchBackend"/>).
/// </summary>
public sealed class ReindexReplayTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FaultingPendingBatchBackend _backend;
    private readonly WorkerHarness _harness;

    public ReindexReplayTests(EmbedderFixture fixture)
    {
        _backend = new FaultingPendingBatchBackend(Path.Combine(_directory.Path, "batches.db"));
        _harness = new WorkerHarness(fixture, batches: new PendingBatchStore(_backend));
        _harness.Feed.Add("v1", Products.Feed(4));
        _harness.Feed.Add("v2", Products.Feed(8));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_BatchAppliedToTheOldGenerationJustBeforeTheSwitch_IsInTheNewLiveGeneration()
    {
        var old = await StartWithLiveGenerationAsync();
        var armed = true;
        _backend.BeforeApplyLock = async () =>
        {
            if (!armed)
            {
                return;
            }

            // The reindex has replayed what it found and asks for the lock; batch jobs get in first
            // and apply two batches to the old live generation, marking them applied.
            armed = false;
            var upsert = await PushAndApplyAsync("late-1", "Moka pot, 6 cups");
            var delete = await _harness.Batches.AddDeleteAsync(["p-3"], Token);
            _harness.Context.JobId = "delete-late";
            await _harness.Runner.RunAsync(delete.Id, PendingBatchKind.Delete, Token);
            Assert.NotNull(await _harness.Index.GetAsync(old, "late-1", Token));
            Assert.NotNull((await _harness.Batches.GetAsync(upsert.Id, Token))!.AppliedAt);
        };

        await _harness.RunReindexAsync("job-2", "v2", Token);

        Assert.False(armed);
        var live = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        Assert.NotEqual(old, live);
        Assert.Equal("Moka pot, 6 cups", (await _harness.Index.GetAsync(live, "late-1", Token))!.Product.Title);
        Assert.Null(await _harness.Index.GetAsync(live, "p-3", Token));
        Assert.Equal(8 + 1 - 1, await _harness.Index.CountAsync(live, null, Token));
        var status = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Succeeded, status!.State);
        Assert.Contains("2 pushed batches replayed", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ApplyLockNotFreeInTime_FailsTransientlyWithoutSwitching_AndTheRetryResumesAtTheReplay()
    {
        var old = await StartWithLiveGenerationAsync();
        _harness.ApplyLockTimeout = TimeSpan.FromMilliseconds(200);
        IAsyncDisposable? held = null;
        _harness.Feed.OnItem = async position =>
        {
            if (position == 3)
            {
                await PushAndApplyAsync("pushed-1", "Milk frother");

                // The next lock request is the reindex's: a batch job takes the lock just before it
                // and holds it past the reindex's timeout.
                _backend.BeforeApplyLock = async () =>
                {
                    _backend.BeforeApplyLock = null;
                    held = await _harness.Batches.AcquireApplyLockAsync(TimeSpan.FromSeconds(5), Token);
                };
            }
        };

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => _harness.RunReindexAsync("job-2", "v2", Token));
        await held!.DisposeAsync();

        Assert.True(TransientFailures.IsTransient(failure));
        Assert.Equal(old, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Equal(2, (await _harness.Index.ListGenerationsAsync(Token)).Count);
        var waiting = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Retrying, waiting!.State);
        Assert.Contains("Not switched yet (TimeoutException", waiting.Message, StringComparison.Ordinal);
        Assert.Contains("the live index is unchanged", waiting.Message, StringComparison.Ordinal);

        // While the job waits for its retry, a batch job applies another batch to the old generation.
        _harness.Feed.OnItem = null;
        await PushAndApplyAsync("pushed-2", "Coffee grinder");
        var reads = _harness.Feed.Reads;
        var embedded = _harness.Embedder.Texts;

        await _harness.RunReindexAsync("job-2", "v2", Token);

        Assert.Equal(reads, _harness.Feed.Reads); // resumed at the replay: the feed was not read again
        Assert.Equal(1, _harness.Embedder.Texts - embedded); // only pushed-2 is new to the generation
        var live = Assert.Single(await _harness.Index.ListGenerationsAsync(Token));
        Assert.Equal(waiting.Generation, live.Name);
        Assert.NotNull(await _harness.Index.GetAsync(live.Name, "pushed-1", Token));
        Assert.NotNull(await _harness.Index.GetAsync(live.Name, "pushed-2", Token));
        Assert.Equal(8 + 2, await _harness.Index.CountAsync(live.Name, null, Token));
        var done = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Succeeded, done!.State);
        Assert.Contains("8 products indexed", done.Message, StringComparison.Ordinal);
        Assert.Contains("2 pushed batches replayed", done.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ReplayUnderTheLockFailsOnABusyDatabase_LeavesTheLiveIndex_AndTheRetryBringsTheBatch()
    {
        var old = await StartWithLiveGenerationAsync();
        var armed = true;
        _backend.BeforeApplyLock = async () =>
        {
            if (armed)
            {
                armed = false;
                await PushAndApplyAsync("late-1", "Kettle descaler");
                _backend.ListAfterFault = _ => FaultingPendingBatchBackend.Busy();
            }
        };

        var failure = await Assert.ThrowsAsync<SqliteException>(() => _harness.RunReindexAsync("job-2", "v2", Token));

        Assert.True(TransientFailures.IsTransient(failure));
        Assert.Equal(old, (await _harness.Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.NotNull(await _harness.Index.GetAsync(old, "late-1", Token));
        Assert.Equal(JobState.Retrying, (await _harness.Statuses.GetAsync("job-2", Token))!.State);

        _backend.ListAfterFault = null;
        await _harness.RunReindexAsync("job-2", "v2", Token);

        var live = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        Assert.NotEqual(old, live);
        Assert.Equal("Kettle descaler", (await _harness.Index.GetAsync(live, "late-1", Token))!.Product.Title);
        Assert.Equal(JobState.Succeeded, (await _harness.Statuses.GetAsync("job-2", Token))!.State);
    }

    [Fact]
    public async Task Run_MarkingTheReplayedBatchesAppliedFails_SwitchesSaysSo_AndTheirJobsApplyThemAgainInOrder()
    {
        await StartWithLiveGenerationAsync();
        PendingBatch? pending = null;
        _harness.Feed.OnItem = async position =>
        {
            if (position == 2)
            {
                // Stored, its job not run yet.
                pending = await _harness.Batches.AddUpsertAsync([Products.Make("pending-1", "Pour-over dripper")], Token);
            }
        };
        _backend.MarkAppliedFault = _ => FaultingPendingBatchBackend.Busy();

        await _harness.RunReindexAsync("job-2", "v2", Token);

        var live = (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
        Assert.Equal("Pour-over dripper", (await _harness.Index.GetAsync(live, "pending-1", Token))!.Product.Title);
        var status = await _harness.Statuses.GetAsync("job-2", Token);
        Assert.Equal(JobState.Succeeded, status!.State);
        Assert.Contains("1 pushed batches replayed. 1 of them could not be marked applied", status.Message, StringComparison.Ordinal);
        Assert.Null((await _harness.Batches.GetAsync(pending!.Id, Token))!.AppliedAt);

        // A later push of the same product: its job applies the unmarked batch first, then its own.
        _backend.MarkAppliedFault = null;
        await PushAndApplyAsync("pending-1", "Pour-over dripper, ceramic");
        _harness.Context.JobId = "upsert-pending";
        await _harness.Runner.RunAsync(pending!.Id, PendingBatchKind.Upsert, Token);

        Assert.Equal("Pour-over dripper, ceramic", (await _harness.Index.GetAsync(live, "pending-1", Token))!.Product.Title);
        Assert.NotNull((await _harness.Batches.GetAsync(pending.Id, Token))!.AppliedAt);
        Assert.Contains("before this job ran", (await _harness.Statuses.GetAsync("upsert-pending", Token))!.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _harness.Dispose();
        _directory.Dispose();
    }

    private async Task<string> StartWithLiveGenerationAsync()
    {
        await _harness.RunReindexAsync("job-1", "v1", Token);
        return (await _harness.Index.GetLiveGenerationAsync(Token))!.Name;
    }

    /// <summary>Pushes one product and runs its batch job, as the API and a worker would.</summary>
    private async Task<PendingBatch> PushAndApplyAsync(string id, string title)
    {
        var batch = await _harness.Batches.AddUpsertAsync([Products.Make(id, title)], Token);
        _harness.Context.JobId = "upsert-" + batch.Id;
        await _harness.Runner.RunAsync(batch.Id, PendingBatchKind.Upsert, Token);
        return batch;
    }
}
