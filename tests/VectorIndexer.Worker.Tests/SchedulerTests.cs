using Hangfire;
using Hangfire.InMemory;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

public sealed class SchedulerTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly InMemoryStorage _storage = new();
    private readonly PendingBatchStore _batches;
    private readonly JobStatusStore _statuses;

    public SchedulerTests()
    {
        _batches = new PendingBatchStore(Path.Combine(_directory.Path, "batches.db"));
        _statuses = new JobStatusStore(Path.Combine(_directory.Path, "jobs.db"));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnqueueUpsert_StoresTheBatchThenEnqueuesTheJobWithItsId()
    {
        var scheduler = Scheduler();

        var scheduled = await scheduler.EnqueueUpsertAsync([Products.Make("a", "Tent"), Products.Make("b", "Sleeping bag")], Token);

        var batch = await _batches.GetAsync(scheduled.BatchId, Token);
        Assert.Equal(["a", "b"], batch!.ProductIds);
        using var connection = _storage.GetConnection();
        var job = connection.GetJobData(scheduled.JobId);
        Assert.Equal(EnqueuedState.StateName, job.State);
        Assert.Equal(typeof(IUpsertProductsJob), job.Job.Type);
        Assert.Equal(nameof(UpsertProductsJob.RunAsync), job.Job.Method.Name);
        Assert.Equal(scheduled.BatchId, job.Job.Args[0]);
        var status = await _statuses.GetAsync(scheduled.JobId, Token);
        Assert.Equal(JobKind.Upsert, status!.Kind);
        Assert.Equal(JobState.Enqueued, status.State);
        Assert.Equal(2, status.Total);
    }

    [Fact]
    public async Task EnqueueDelete_StoresTheIdsThenEnqueuesTheDeleteJob()
    {
        var scheduled = await Scheduler().EnqueueDeleteAsync(["x", "y", "z"], Token);

        Assert.Equal(["x", "y", "z"], (await _batches.GetAsync(scheduled.BatchId, Token))!.ProductIds);
        using var connection = _storage.GetConnection();
        var job = connection.GetJobData(scheduled.JobId);
        Assert.Equal(typeof(IDeleteProductsJob), job.Job.Type);
        Assert.Equal(scheduled.BatchId, job.Job.Args[0]);
    }

    [Fact]
    public async Task EnqueueReindex_WhileOneIsWaiting_ReturnsThatOneInsteadOfASecond()
    {
        var scheduler = Scheduler();

        var first = await scheduler.EnqueueReindexAsync("/feeds/a.jsonl", "esci", Token);
        var second = await scheduler.EnqueueReindexAsync("/feeds/b.jsonl", null, Token);

        Assert.Equal(first, second);
        using var connection = _storage.GetConnection();
        var job = connection.GetJobData(first);
        Assert.Equal(typeof(IFullReindexJob), job.Job.Type);
        Assert.Equal(["/feeds/a.jsonl", "esci"], job.Job.Args.Take(2));
        Assert.Equal(1, _storage.GetMonitoringApi().EnqueuedCount("default"));
    }

    [Fact]
    public async Task EnqueueReindex_AfterThePreviousFinished_EnqueuesANewOne()
    {
        var scheduler = Scheduler();
        var first = await scheduler.EnqueueReindexAsync("/feeds/a.jsonl", null, Token);
        new BackgroundJobClient(_storage).ChangeState(first, new SucceededState(null, 1, 1));

        var second = await scheduler.EnqueueReindexAsync("/feeds/a.jsonl", null, Token);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void ConfigureNeighboursExport_ByDefault_IsOnTheDashboardNeverDue_AndTakesItsCronAndK()
    {
        Assert.False(Scheduler().ConfigureNeighboursExport());
        using (var connection = _storage.GetConnection())
        {
            var manual = Assert.Single(connection.GetRecurringJobs());
            Assert.Equal(IndexingJobScheduler.NeighboursExportId, manual.Id);
            Assert.Equal(Cron.Never(), manual.Cron);
            Assert.Equal(typeof(INeighboursExportJob), manual.Job.Type);
            Assert.Equal(20, manual.Job.Args[0]);
        }

        Assert.True(Scheduler(o => o.NeighboursExport = new NeighboursExportOptions { Cron = "0 4 * * *", K = 50, SameCategory = true }).ConfigureNeighboursExport());
        using var after = _storage.GetConnection();
        var scheduled = Assert.Single(after.GetRecurringJobs());
        Assert.Equal("0 4 * * *", scheduled.Cron);
        Assert.Equal([50, true], scheduled.Job.Args.Take(2));
    }

    [Fact]
    public void ConfigureRecurringReindex_OffByDefault_RegistersNothing()
    {
        var scheduled = Scheduler().ConfigureRecurringReindex();

        Assert.False(scheduled);
        using var connection = _storage.GetConnection();
        Assert.Empty(connection.GetRecurringJobs());
    }

    [Fact]
    public void ConfigureRecurringReindex_WithACron_RegistersItAndRemovesItWhenTurnedOff()
    {
        var on = Scheduler(o => o.RecurringReindex = new RecurringReindexOptions { Cron = "0 3 * * *", FeedLocation = "/feeds/nightly.jsonl" });

        Assert.True(on.ConfigureRecurringReindex());
        using (var connection = _storage.GetConnection())
        {
            var recurring = Assert.Single(connection.GetRecurringJobs());
            Assert.Equal(IndexingJobScheduler.RecurringReindexId, recurring.Id);
            Assert.Equal("0 3 * * *", recurring.Cron);
            Assert.Equal(typeof(IFullReindexJob), recurring.Job.Type);
            Assert.Equal("/feeds/nightly.jsonl", recurring.Job.Args[0]);
        }

        Assert.False(Scheduler().ConfigureRecurringReindex());
        using var after = _storage.GetConnection();
        Assert.Empty(after.GetRecurringJobs());
    }

    [Fact]
    public void ConfigureRecurringReindex_WithAFeedButNoCron_RegistersItNeverDueForTriggerNow()
    {
        var manual = Scheduler(o => o.RecurringReindex = new RecurringReindexOptions { FeedLocation = "/feeds/catalogue.jsonl", Mapping = "esci" });

        Assert.False(manual.ConfigureRecurringReindex());

        using var connection = _storage.GetConnection();
        var recurring = Assert.Single(connection.GetRecurringJobs());
        Assert.Equal(IndexingJobScheduler.RecurringReindexId, recurring.Id);
        Assert.Equal(Hangfire.Cron.Never(), recurring.Cron);
        Assert.Null(recurring.NextExecution);
        Assert.Equal("/feeds/catalogue.jsonl", recurring.Job.Args[0]);
        Assert.Equal("esci", recurring.Job.Args[1]);
    }

    public void Dispose()
    {
        _storage.Dispose();
        _directory.Dispose();
    }

    private IndexingJobScheduler Scheduler(Action<WorkerOptions>? configure = null)
    {
        var options = new WorkerOptions();
        configure?.Invoke(options);
        return new IndexingJobScheduler(new BackgroundJobClient(_storage), new RecurringJobManager(_storage), _storage, _batches, _statuses, Options.Create(options));
    }
}
