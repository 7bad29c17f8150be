using VectorIndexer.Core;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// The behaviour every backend of <see cref="PendingBatchStore"/> and <see cref="JobStatusStore"/>
/// must show (SQLite: <see cref="SqliteWorkerStoreTests"/>; PostgreSQL:
/// <see cref="PostgreSqlWorkerStoreTests"/>). A subclass opens the stores of one isolated, empty
/// database; each call opens a new instance on it, as another process would.
/// </summary>
public abstract class WorkerStoreContractTests(EmbedderFixture fixture) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A new instance of the pending-batch store under test.</summary>
    protected abstract PendingBatchStore OpenBatches(TimeProvider? time = null);

    /// <summary>A new instance of the job-status store under test.</summary>
    protected abstract JobStatusStore OpenStatuses(TimeProvider? time = null);

    [Fact]
    public async Task PendingBatchStore_Reopened_ReturnsTheStoredBatchesInOrder()
    {
        var product = new Product
        {
            Id = "sku-1",
            Title = "Kettle",
            Bullets = ["1.7 litres", "Auto off"],
            Category = ["Home", "Kitchen"],
            Price = 39.95m,
            InStock = true,
            Attributes = new Dictionary<string, string> { ["material"] = "steel" },
        };
        var first = OpenBatches();
        var upsert = await first.AddUpsertAsync([product], Token);
        var delete = await first.AddDeleteAsync(["sku-2", "sku-3"], Token);

        var reopened = OpenBatches();
        var read = await reopened.GetAsync(upsert.Id, Token);
        var list = await reopened.ListAfterAsync(0, cancellationToken: Token);

        Assert.NotNull(read);
        Assert.Equal(PendingBatchKind.Upsert, read.Kind);
        Assert.Equal(upsert.CreatedAt, read.CreatedAt);
        Assert.Equal(upsert.Sequence, read.Sequence);
        Assert.Null(read.AppliedAt);
        var stored = Assert.Single(read.Products);
        Assert.Equal(product.Title, stored.Title);
        Assert.Equal(product.Bullets, stored.Bullets);
        Assert.Equal(product.Category, stored.Category);
        Assert.Equal(39.95m, stored.Price);
        Assert.Equal("steel", stored.Attributes["material"]);
        Assert.Equal(["sku-1"], read.ProductIds);
        Assert.Equal([upsert.Id, delete.Id], list.Select(b => b.Id));
        Assert.True(list[0].Sequence < list[1].Sequence);
        Assert.Equal(PendingBatchKind.Delete, list[1].Kind);
        Assert.Equal(["sku-2", "sku-3"], list[1].ProductIds);
        Assert.Empty(list[1].Products);
        Assert.Equal(delete.Sequence, await reopened.GetLastSequenceAsync(Token));
        Assert.Equal([delete.Id], (await reopened.ListAfterAsync(upsert.Sequence, cancellationToken: Token)).Select(b => b.Id));
        Assert.Equal([upsert.Id], (await reopened.ListAfterAsync(0, limit: 1, cancellationToken: Token)).Select(b => b.Id));
        Assert.Null(await reopened.GetAsync("unknown", Token));
    }

    [Fact]
    public async Task PendingBatchStore_MarkApplied_KeepsTheFirstTimeAndPurgeRemovesOnlyAppliedOlderBatches()
    {
        var time = new ManualTime(Start);
        var store = OpenBatches(time);
        var applied = await store.AddDeleteAsync(["a"], Token);
        var pending = await store.AddDeleteAsync(["b"], Token);
        time.Advance(TimeSpan.FromMinutes(10));
        var newer = await store.AddDeleteAsync(["c"], Token);
        await store.MarkAppliedAsync(applied.Id, "gen-a", Token);
        time.Advance(TimeSpan.FromMinutes(1));
        await OpenBatches(time).MarkAppliedAsync(applied.Id, "gen-b", Token);
        await store.MarkAppliedAsync(newer.Id, "gen-b", Token);

        var reopened = OpenBatches(time);
        Assert.Equal(Start.AddMinutes(10), (await reopened.GetAsync(applied.Id, Token))!.AppliedAt);
        Assert.Equal("gen-a", (await reopened.GetAsync(applied.Id, Token))!.AppliedGeneration);
        Assert.Equal("gen-b", (await reopened.GetAsync(newer.Id, Token))!.AppliedGeneration);
        Assert.Null((await reopened.GetAsync(pending.Id, Token))!.AppliedAt);
        Assert.Null((await reopened.GetAsync(pending.Id, Token))!.AppliedGeneration);
        Assert.Equal(1, await reopened.PurgeAppliedAsync(Start.AddMinutes(5), Token));
        Assert.Null(await reopened.GetAsync(applied.Id, Token));
        Assert.NotNull(await reopened.GetAsync(pending.Id, Token));
        Assert.NotNull(await reopened.GetAsync(newer.Id, Token));
        Assert.Equal(newer.Sequence, await reopened.GetLastSequenceAsync(Token));
    }

    [Fact]
    public async Task PendingBatchStore_ParkRetryAndDiscard_KeepTheOrderRulesOnEveryInstance()
    {
        var time = new ManualTime(Start);
        var store = OpenBatches(time);
        var a = await store.AddUpsertAsync([Products.Make("x", "Kettle, first edition"), Products.Make("y", "Teapot")], Token);
        var b = await store.AddDeleteAsync(["z"], Token);
        var c = await store.AddUpsertAsync([Products.Make("x", "Kettle, second edition")], Token);
        await store.MarkAppliedAsync(c.Id, "gen-1", Token);

        Assert.True(await store.ParkAsync(a.Id, "the index refused it", Token));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await OpenBatches(time).ParkAsync(a.Id, "a second reason", Token));
        Assert.False(await store.ParkAsync(c.Id, "applied already", Token));
        Assert.False(await store.ParkAsync("unknown", "no such batch", Token));

        var reopened = OpenBatches(time);
        var parked = (await reopened.GetAsync(a.Id, Token))!;
        Assert.Equal(PendingBatchState.Parked, parked.State);
        Assert.Equal("the index refused it", parked.ParkReason);
        Assert.Equal(Start, parked.ParkedAt);
        Assert.Equal([a.Id], (await reopened.ListParkedAsync(cancellationToken: Token)).Select(p => p.Id));
        Assert.Equal([b.Id], (await reopened.ListUnappliedThroughAsync(long.MaxValue, cancellationToken: Token)).Select(p => p.Id));
        Assert.Equal(b.Sequence - 1, await reopened.GetReplayStartAsync(Token));

        var again = (await OpenBatches(time).RetryParkedAsync(a.Id, Token))!;
        Assert.Null(await reopened.GetAsync(a.Id, Token));
        Assert.Null(await reopened.RetryParkedAsync(a.Id, Token));
        var read = (await reopened.GetAsync(again.Id, Token))!;
        Assert.Equal(PendingBatchState.Pending, read.State);
        Assert.Equal(a.Sequence, read.RetryOf);
        Assert.True(read.Sequence > c.Sequence);
        Assert.Equal(["x", "y"], read.ProductIds);
        Assert.Equal(["y"], (await reopened.WithoutSupersededAsync(read, Token)).ProductIds);
        Assert.Equal(["Teapot"], (await reopened.WithoutSupersededAsync(read, Token)).Products.Select(p => p.Title));
        Assert.Equal(c.ProductIds, (await reopened.WithoutSupersededAsync(c, Token)).ProductIds);
        Assert.Empty(await reopened.ListParkedAsync(cancellationToken: Token));

        // Parked again and sent again, it keeps the original push's place for the newer-version rule.
        Assert.True(await reopened.ParkAsync(again.Id, "refused again", Token));
        Assert.Equal(a.Sequence, (await reopened.RetryParkedAsync(again.Id, Token))!.RetryOf);

        Assert.False(await reopened.DeleteParkedAsync(b.Id, Token));
        Assert.True(await reopened.ParkAsync(b.Id, "refused", Token));
        Assert.True(await OpenBatches(time).DeleteParkedAsync(b.Id, Token));
        Assert.Null(await reopened.GetAsync(b.Id, Token));

        // Applying a parked batch (a rebuild replayed it before it was parked) clears the mark.
        var d = await reopened.AddDeleteAsync(["w"], Token);
        await reopened.ParkAsync(d.Id, "refused", Token);
        await reopened.MarkAppliedAsync(d.Id, "gen-2", Token);
        var applied = (await reopened.GetAsync(d.Id, Token))!;
        Assert.Equal(PendingBatchState.Applied, applied.State);
        Assert.Null(applied.ParkedAt);
        Assert.Null(applied.ParkReason);
    }

    [Fact]
    public async Task PendingBatchStore_EmptyBatch_IsRefused()
    {
        var store = OpenBatches();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddUpsertAsync([], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddDeleteAsync(["ok", " "], Token));
        Assert.Equal(0, await store.GetLastSequenceAsync(Token));
    }

    [Fact]
    public async Task PendingBatchStore_ReplayStart_IsBeforeTheOldestUnappliedBatchElseAfterTheNewest()
    {
        var store = OpenBatches();
        Assert.Equal(0, await store.GetReplayStartAsync(Token));
        var a = await store.AddDeleteAsync(["a"], Token);
        var b = await store.AddDeleteAsync(["b"], Token);
        var c = await store.AddDeleteAsync(["c"], Token);
        Assert.Equal(a.Sequence - 1, await store.GetReplayStartAsync(Token));

        await store.MarkAppliedAsync(a.Id, "gen-1", Token);
        await store.MarkAppliedAsync(c.Id, "gen-1", Token);

        Assert.Equal(b.Sequence - 1, await store.GetReplayStartAsync(Token));
        Assert.Equal([b.Id], (await store.ListUnappliedThroughAsync(c.Sequence, cancellationToken: Token)).Select(x => x.Id));
        Assert.Empty(await store.ListUnappliedThroughAsync(a.Sequence, cancellationToken: Token));
        await store.MarkAppliedAsync(b.Id, "gen-1", Token);
        Assert.Equal(c.Sequence, await store.GetReplayStartAsync(Token));
    }

    [Fact]
    public async Task PendingBatchStore_WritersOnSeveralInstancesAtOnce_AReaderPagingBySequenceMissesNoBatch()
    {
        const int Writers = 4, PerWriter = 25;
        var added = new System.Collections.Concurrent.ConcurrentBag<PendingBatch>();
        var writing = Enumerable.Range(0, Writers).Select(w => Task.Run(
            async () =>
            {
                var store = OpenBatches();
                for (var i = 0; i < PerWriter; i++)
                {
                    added.Add(await store.AddDeleteAsync([$"w{w}-{i}"], Token));
                }
            },
            Token)).ToArray();

        // What a rebuild's replay does: page by sequence. A batch committed after a higher one was
        // read would be skipped for good.
        var reader = OpenBatches();
        var seen = new List<PendingBatch>();
        long last = 0;
        while (true)
        {
            var done = writing.All(t => t.IsCompleted);
            var page = await reader.ListAfterAsync(last, 7, Token);
            seen.AddRange(page);
            if (page.Count > 0)
            {
                last = page[^1].Sequence;
            }
            else if (done)
            {
                break;
            }
            else
            {
                await Task.Delay(5, Token);
            }
        }

        await Task.WhenAll(writing);
        Assert.Equal(Writers * PerWriter, added.Count);
        Assert.Equal(added.Select(b => b.Id).Order(), seen.Select(b => b.Id).Order());
        Assert.Equal(seen.Select(b => b.Sequence).Order(), seen.Select(b => b.Sequence));
        Assert.Equal(seen.Count, seen.Select(b => b.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task PendingBatchStore_ApplyLock_ExcludesEveryOtherInstanceUntilReleased()
    {
        var first = OpenBatches();
        var second = OpenBatches();

        var held = await first.AcquireApplyLockAsync(TimeSpan.FromSeconds(10), Token);
        await Assert.ThrowsAsync<TimeoutException>(() => second.AcquireApplyLockAsync(TimeSpan.FromMilliseconds(300), Token));
        var waiting = second.AcquireApplyLockAsync(TimeSpan.FromSeconds(30), Token);
        await Task.Delay(200, Token);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(30), Token);

        await Assert.ThrowsAsync<TimeoutException>(() => first.AcquireApplyLockAsync(TimeSpan.Zero, Token));
    }

    [Fact]
    public async Task JobStatusStore_Reopened_ReturnsEveryField()
    {
        var status = new JobStatus
        {
            JobId = "42",
            Kind = JobKind.FullReindex,
            State = JobState.Running,
            Processed = 1200,
            Total = 5000,
            Accepted = 1190,
            Rejected = 10,
            RatePerSecond = 123.5,
            Eta = TimeSpan.FromSeconds(31),
            Message = "halfway",
            BadRecords = [new RejectedRecord(7, "missing title"), new RejectedRecord(19, "price is not a number")],
            Generation = "gen-3",
            FeedLocation = "/feeds/catalog.jsonl",
            FeedVersion = "1048576:638700000000000000:esci",
            ChangeSequence = 17,
        };
        var saved = await OpenStatuses().SaveAsync(status, Token);

        var read = await OpenStatuses().GetAsync("42", Token);

        Assert.NotNull(read);
        Assert.Equal(saved with { BadRecords = read.BadRecords }, read);
        Assert.Equal(status.BadRecords, read.BadRecords);
        Assert.Null(read.FinishedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Null(await OpenStatuses().GetAsync("43", Token));
    }

    [Fact]
    public async Task JobStatusStore_Save_StampsTimesInUtcToTheMicrosecondAndFinishedOnlyWhenFinished()
    {
        var time = new ManualTime(new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.FromHours(2)).AddTicks(1234567));
        var store = OpenStatuses(time);

        var created = await store.SaveAsync(new JobStatus { JobId = "t", Kind = JobKind.Delete, State = JobState.Running }, Token);
        time.Advance(TimeSpan.FromSeconds(3));
        var finished = await store.SaveAsync(created with { State = JobState.Failed, Message = "no" }, Token);
        var read = await OpenStatuses().GetAsync("t", Token);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 7, 30, 0, TimeSpan.Zero).AddTicks(1234560), created.CreatedAt);
        Assert.Equal(created.CreatedAt, read!.CreatedAt);
        Assert.Equal(created.CreatedAt.AddSeconds(3), read.UpdatedAt);
        Assert.Equal(read.UpdatedAt, read.FinishedAt);
        Assert.Equal(finished with { BadRecords = read.BadRecords }, read);
        var again = await store.SaveAsync(read with { State = JobState.Retrying }, Token);
        Assert.Null(again.FinishedAt);
        Assert.Null((await OpenStatuses().GetAsync("t", Token))!.FinishedAt);
    }

    [Fact]
    public async Task JobStatusStore_LastSucceeded_IsTheKindsLatestFinishedSuccess()
    {
        var time = new ManualTime(Start);
        var store = OpenStatuses(time);
        Assert.Null(await store.GetLastSucceededAsync(JobKind.FullReindex, Token));
        foreach (var (id, kind, state) in new[]
        {
            ("r-1", JobKind.FullReindex, JobState.Succeeded),
            ("r-2", JobKind.FullReindex, JobState.Succeeded),
            ("r-3", JobKind.FullReindex, JobState.Failed),
            ("r-4", JobKind.FullReindex, JobState.Running),
            ("u-1", JobKind.Upsert, JobState.Succeeded),
        })
        {
            await store.SaveAsync(new JobStatus { JobId = id, Kind = kind, State = state }, Token);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal("r-2", (await OpenStatuses().GetLastSucceededAsync(JobKind.FullReindex, Token))!.JobId);
        Assert.Equal("u-1", (await OpenStatuses().GetLastSucceededAsync(JobKind.Upsert, Token))!.JobId);
        Assert.Null(await OpenStatuses().GetLastSucceededAsync(JobKind.Delete, Token));
    }

    [Fact]
    public async Task JobStatusStore_TryCreate_DoesNotOverwriteAStatusTheJobAlreadyWrote()
    {
        var store = OpenStatuses();
        await store.SaveAsync(new JobStatus { JobId = "7", Kind = JobKind.Upsert, State = JobState.Succeeded }, Token);

        var created = await OpenStatuses().TryCreateAsync(new JobStatus { JobId = "7", Kind = JobKind.Upsert }, Token);

        Assert.False(created);
        var read = await store.GetAsync("7", Token);
        Assert.Equal(JobState.Succeeded, read!.State);
        Assert.NotNull(read.FinishedAt);
        Assert.Empty(await store.ListUnfinishedAsync(JobKind.Upsert, Token));
        Assert.True(await store.TryCreateAsync(new JobStatus { JobId = "8", Kind = JobKind.Upsert }, Token));
    }

    [Fact]
    public async Task JobStatusStore_TryCreateFromSeveralInstancesAtOnce_CreatesExactlyOnce()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenStatuses()).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(
            () => stores[i % stores.Length].TryCreateAsync(new JobStatus { JobId = "race", Kind = JobKind.Delete, Message = $"caller {i}" }, Token),
            Token)));

        Assert.Single(results, created => created);
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"caller {winner}", (await stores[0].GetAsync("race", Token))!.Message);
    }

    [Fact]
    public async Task JobStatusStore_ListUnfinished_ReturnsTheKindsUnfinishedJobsOldestFirst()
    {
        var time = new ManualTime(Start);
        var store = OpenStatuses(time);
        foreach (var (id, kind, state) in new[]
        {
            ("r-2", JobKind.FullReindex, JobState.Running),
            ("u-1", JobKind.Upsert, JobState.Enqueued),
            ("r-1", JobKind.FullReindex, JobState.Enqueued),
            ("r-3", JobKind.FullReindex, JobState.Succeeded),
            ("r-4", JobKind.FullReindex, JobState.Retrying),
            ("r-5", JobKind.FullReindex, JobState.Cancelled),
        })
        {
            await store.SaveAsync(new JobStatus { JobId = id, Kind = kind, State = state }, Token);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var reindexes = await OpenStatuses().ListUnfinishedAsync(JobKind.FullReindex, Token);
        Assert.Equal(["r-2", "r-1", "r-4"], reindexes.Select(s => s.JobId));
        await store.SaveAsync(reindexes[0] with { State = JobState.Failed }, Token);
        Assert.Equal(["r-1", "r-4"], (await store.ListUnfinishedAsync(JobKind.FullReindex, Token)).Select(s => s.JobId));
        Assert.Equal(["u-1"], (await store.ListUnfinishedAsync(JobKind.Upsert, Token)).Select(s => s.JobId));
        Assert.Empty(await store.ListUnfinishedAsync(JobKind.Delete, Token));
    }

    [Fact]
    public async Task BatchJobs_RunInReverseOrderOnTwoWorkers_ReachTheLiveIndexInSequenceOrder()
    {
        using var harness = new WorkerHarness(fixture, batches: OpenBatches(), statuses: OpenStatuses());
        harness.Feed.Add("v1", Products.Feed(2));
        await harness.RunReindexAsync("job-1", "v1", Token);
        harness.Context.JobId = null;
        var other = new Jobs.PendingBatchRunner(OpenBatches(), OpenStatuses(), harness.Applier, harness.Index, new Jobs.JobContextAccessor());
        var batches = new List<PendingBatch>
        {
            await harness.Batches.AddUpsertAsync([Products.Make("x", "Kettle, first edition")], Token),
            await harness.Batches.AddDeleteAsync(["x"], Token),
            await harness.Batches.AddUpsertAsync([Products.Make("x", "Kettle, second edition"), Products.Make("y", "Teapot")], Token),
            await harness.Batches.AddDeleteAsync(["y", "p-1"], Token),
        };

        // The jobs run last first, alternating between two workers: the first to run applies all four, in order.
        for (var i = batches.Count - 1; i >= 0; i--)
        {
            var runner = i % 2 == 0 ? harness.Runner : other;
            await runner.RunAsync(batches[i].Id, batches[i].Kind, Token);
        }

        Assert.Equal("Kettle, second edition", (await harness.Index.GetAsync(null, "x", Token))!.Product.Title);
        Assert.Null(await harness.Index.GetAsync(null, "y", Token));
        Assert.Null(await harness.Index.GetAsync(null, "p-1", Token));
        Assert.NotNull(await harness.Index.GetAsync(null, "p-2", Token));
        var live = (await harness.Index.GetLiveGenerationAsync(Token))!.Name;
        foreach (var batch in batches)
        {
            Assert.NotNull((await harness.Batches.GetAsync(batch.Id, Token))!.AppliedAt);
            var status = (await harness.Statuses.GetAsync($"batch-{batch.Id}", Token))!;
            Assert.Equal(JobState.Succeeded, status.State);

            // Applied by the first job that ran, each status still says where its batch went.
            Assert.Equal(live, status.Generation);
        }

        Assert.Contains("after 3 earlier pending batches", (await harness.Statuses.GetAsync($"batch-{batches[3].Id}", Token))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchJobs_ForOneProductRunConcurrentlyOnTwoWorkers_LeaveTheLastPushedVersion()
    {
        using var harness = new WorkerHarness(fixture, batches: OpenBatches(), statuses: OpenStatuses());
        harness.Feed.Add("v1", Products.Feed(2));
        await harness.RunReindexAsync("job-1", "v1", Token);
        harness.Context.JobId = null;
        var other = new Jobs.PendingBatchRunner(OpenBatches(), OpenStatuses(), harness.Applier, harness.Index, new Jobs.JobContextAccessor());
        var batches = new List<PendingBatch>();
        for (var i = 1; i <= 8; i++)
        {
            batches.Add(await harness.Batches.AddUpsertAsync([Products.Make("x", $"Kettle, edition {i}")], Token));
        }

        await Task.WhenAll(batches.Select((batch, i) => Task.Run(
            () => (i % 2 == 0 ? harness.Runner : other).RunAsync(batch.Id, PendingBatchKind.Upsert, Token),
            Token)).Reverse());

        Assert.Equal("Kettle, edition 8", (await harness.Index.GetAsync(null, "x", Token))!.Product.Title);
        Assert.Empty(await harness.Batches.ListUnappliedThroughAsync(long.MaxValue, cancellationToken: Token));
    }

    [Fact]
    public async Task Reindex_WithBatchesPushedDuringTheBuild_ReplaysThemAndMarksThemApplied()
    {
        using var harness = new WorkerHarness(fixture, batches: OpenBatches(), statuses: OpenStatuses());
        harness.Feed.Add("v1", Products.Feed(4));
        harness.Feed.Add("v2", Products.Feed(12));
        await harness.RunReindexAsync("job-1", "v1", Token);
        var pushed = new List<PendingBatch>();
        harness.Feed.OnItem = async position =>
        {
            if (position == 6)
            {
                // Pushed through another process's store; their jobs have not run yet.
                var api = OpenBatches();
                pushed.Add(await api.AddUpsertAsync([Products.Make("pushed-1", "Espresso machine with milk frother")], Token));
                pushed.Add(await api.AddDeleteAsync(["p-2", "p-9"], Token));
            }
        };

        await harness.RunReindexAsync("job-2", "v2", Token);

        Assert.NotNull(await harness.Index.GetAsync(null, "pushed-1", Token));
        Assert.Null(await harness.Index.GetAsync(null, "p-2", Token));
        Assert.Null(await harness.Index.GetAsync(null, "p-9", Token));
        Assert.Equal(12 + 1 - 2, await harness.Index.CountAsync(null, null, Token));
        var status = (await OpenStatuses().GetAsync("job-2", Token))!;
        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Contains("2 pushed batches replayed", status.Message, StringComparison.Ordinal);
        foreach (var batch in pushed)
        {
            Assert.NotNull((await harness.Batches.GetAsync(batch.Id, Token))!.AppliedAt);
        }

        // Their jobs, running late, find them applied and do not apply them again; they report the rebuilt generation.
        harness.Context.JobId = "late";
        await harness.Runner.RunAsync(pushed[0].Id, PendingBatchKind.Upsert, Token);
        var late = (await harness.Statuses.GetAsync("late", Token))!;
        Assert.Contains("before this job ran", late.Message, StringComparison.Ordinal);
        Assert.Equal(status.Generation, late.Generation);
        Assert.Equal(status.Generation, (await harness.Batches.GetAsync(pushed[1].Id, Token))!.AppliedGeneration);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now.ToUniversalTime();

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>The worker's stores on SQLite files (the default).</summary>
public sealed class SqliteWorkerStoreTests(EmbedderFixture fixture) : WorkerStoreContractTests(fixture)
{
    private readonly TempDirectory _directory = new();

    protected override PendingBatchStore OpenBatches(TimeProvider? time = null) => new(Path.Combine(_directory.Path, "batches.db"), time);

    protected override JobStatusStore OpenStatuses(TimeProvider? time = null) => new(Path.Combine(_directory.Path, "jobs.db"), time);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _directory.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// The worker's stores on PostgreSQL, each test in a schema of its own; every instance has its own
/// connection pools, as separate processes would. Skipped without <see cref="PostgresTestDatabase.Variable"/>.
/// </summary>
public sealed class PostgreSqlWorkerStoreTests(EmbedderFixture fixture) : WorkerStoreContractTests(fixture)
{
    private readonly PostgresTestDatabase _server = new();
    private readonly List<PostgreSqlWorkerDatabase> _databases = [];
    private string? _schema;

    protected override PendingBatchStore OpenBatches(TimeProvider? time = null) => new(new PostgreSqlPendingBatchBackend(Open()), time);

    protected override JobStatusStore OpenStatuses(TimeProvider? time = null) => new(new PostgreSqlJobStatusBackend(Open()), time);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_databases)
            {
                _databases.ForEach(d => d.Dispose());
            }

            _server.Dispose();
        }

        base.Dispose(disposing);
    }

    private PostgreSqlWorkerDatabase Open()
    {
        var connectionString = PostgresTestDatabase.ConnectionString;
        lock (_databases)
        {
            _schema ??= _server.NewSchema("store_test");
            var database = new PostgreSqlWorkerDatabase(connectionString, _schema);
            _databases.Add(database);
            return database;
        }
    }
}
