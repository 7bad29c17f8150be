using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker;

/// <summary>A pushed batch: stored durably, then enqueued.</summary>
/// <param name="BatchId">The batch's id in the <see cref="PendingBatchStore"/>.</param>
/// <param name="JobId">The Hangfire job that applies it.</param>
public sealed record ScheduledBatch(string BatchId, string JobId);

/// <summary>
/// Enqueues the indexing jobs. Pushed batches are written to the <see cref="PendingBatchStore"/>
/// (durable) before their job is enqueued, so the caller may acknowledge once this returns.
/// </summary>
public sealed class IndexingJobScheduler
{
    /// <summary>The id of the recurring reindex.</summary>
    public const string RecurringReindexId = "vectorindexer-full-reindex";

    /// <summary>The recurring job of the neighbours export, on the dashboard's Recurring Jobs page.</summary>
    public const string NeighboursExportId = "vectorindexer-neighbours-export";

    /// <summary>The Hangfire distributed lock held while a reindex is looked for and enqueued.</summary>
    public const string ReindexLockResource = "vectorindexer:enqueue-reindex";

    private static readonly string[] ActiveStates = [EnqueuedState.StateName, ProcessingState.StateName, ScheduledState.StateName, AwaitingState.StateName];

    private readonly IBackgroundJobClient _jobs;
    private readonly IRecurringJobManager _recurring;
    private readonly JobStorage _storage;
    private readonly PendingBatchStore _batches;
    private readonly JobStatusStore _statuses;
    private readonly WorkerOptions _options;
    private readonly ILogger _logger;

    public IndexingJobScheduler(IBackgroundJobClient jobs, IRecurringJobManager recurring, JobStorage storage, PendingBatchStore batches, JobStatusStore statuses, IOptions<WorkerOptions> options, ILogger<IndexingJobScheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _jobs = jobs;
        _recurring = recurring;
        _storage = storage;
        _batches = batches;
        _statuses = statuses;
        _options = options.Value;
    }

    /// <summary>How long <see cref="EnqueueReindexAsync"/> waits for another caller's check and enqueue.</summary>
    public TimeSpan ReindexLockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Enqueues a full reindex from <paramref name="feedLocation"/>; when one is already waiting or
    /// running, returns its id instead of starting a second. The check, the enqueue and the status
    /// run under Hangfire's distributed lock <see cref="ReindexLockResource"/> on the job storage
    /// (a row lock on SQLite, on PostgreSQL shared by every process on the database), so callers at
    /// the same instant, in this process or others, get the same job.
    /// </summary>
    /// <exception cref="TimeoutException">The lock was not free within <see cref="ReindexLockTimeout"/> (Hangfire's <c>DistributedLockTimeoutException</c>).</exception>
    public Task<string> EnqueueReindexAsync(string feedLocation, string? mapping = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(feedLocation);

        // Hangfire's locks are synchronous, and the SQLite storage's are tied to the thread that took
        // them (released only from it): the whole critical section runs on one dedicated thread.
        return Task.Factory.StartNew(
            () => EnqueueReindexLocked(feedLocation, mapping, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }
    /// <summary>Stores the products durably, then enqueues the job that applies them.</summary>
    public async Task<ScheduledBatch> EnqueueUpsertAsync(IReadOnlyList<Product> products, CancellationToken cancellationToken = default) =>
        await EnqueueAsync(await _batches.AddUpsertAsync(products, cancellationToken), cancellationToken);

    /// <summary>Stores the ids durably, then enqueues the job that deletes them.</summary>
    public async Task<ScheduledBatch> EnqueueDeleteAsync(IReadOnlyList<string> productIds, CancellationToken cancellationToken = default) =>
        await EnqueueAsync(await _batches.AddDeleteAsync(productIds, cancellationToken), cancellationToken);

    /// <summary>Enqueues the job of a stored batch and creates its status.</summary>
    private async Task<ScheduledBatch> EnqueueAsync(PendingBatch batch, CancellationToken cancellationToken)
    {
        var upsert = batch.Kind == PendingBatchKind.Upsert;
        var jobId = upsert
            ? _jobs.Enqueue<IUpsertProductsJob>(job => job.RunAsync(batch.Id, CancellationToken.None))
            : _jobs.Enqueue<IDeleteProductsJob>(job => job.RunAsync(batch.Id, CancellationToken.None));
        await _statuses.TryCreateAsync(new JobStatus { JobId = jobId, Kind = upsert ? JobKind.Upsert : JobKind.Delete, BatchId = batch.Id, Total = batch.ProductIds.Count }, cancellationToken);
        return new ScheduledBatch(batch.Id, jobId);
    }

    /// <summary>
    /// Sends a parked batch again: it is stored anew at the end of the sequence (a new batch id, see
    /// <see cref="PendingBatchStore.RetryParkedAsync"/>) and its job enqueued. Null when
    /// <paramref name="batchId"/> is not a parked batch.
    /// </summary>
    public async Task<ScheduledBatch?> RetryParkedAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var batch = await _batches.RetryParkedAsync(batchId, cancellationToken);
        if (batch is null)
        {
            return null;
        }

        var scheduled = await EnqueueAsync(batch, cancellationToken);
        ClientLog.BatchRetried(_logger, batchId, batch.Id, scheduled.JobId);
        return scheduled;
    }

    /// <summary>Discards a parked batch: its products are left as they are in the index. False when it is not a parked batch.</summary>
    public async Task<bool> DiscardParkedAsync(string batchId, CancellationToken cancellationToken = default)
    {
        if (!await _batches.DeleteParkedAsync(batchId, cancellationToken))
        {
            return false;
        }

        ClientLog.BatchDiscarded(_logger, batchId);
        return true;
    }

    /// <summary>
    /// Adds or updates the recurring reindex from <c>Worker:RecurringReindex</c>: on its cron (UTC)
    /// when one is set; with a feed but no cron it is registered as never due, so operators can
    /// still start it from the dashboard's "Trigger now"; with neither it is removed (the default).
    /// Returns whether it runs on a schedule.
    /// </summary>
    public bool ConfigureRecurringReindex()
    {
        var recurring = _options.RecurringReindex;
        if (string.IsNullOrWhiteSpace(recurring.FeedLocation))
        {
            _recurring.RemoveIfExists(RecurringReindexId);
            return false;
        }

        var feed = recurring.FeedLocation;
        var mapping = recurring.Mapping;
        _recurring.AddOrUpdate<IFullReindexJob>(
            RecurringReindexId,
            job => job.RunAsync(feed, mapping, CancellationToken.None),
            recurring.IsEnabled ? recurring.Cron! : Cron.Never(),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return recurring.IsEnabled;
    }

    /// <summary>
    /// Adds or updates the neighbours export from <c>Worker:NeighboursExport</c>: always on the
    /// dashboard's Recurring Jobs page ("Trigger now"), due on its cron (UTC) when one is set.
    /// Returns whether it runs on a schedule.
    /// </summary>
    public bool ConfigureNeighboursExport()
    {
        var export = _options.NeighboursExport;
        var k = export.K;
        var sameCategory = export.SameCategory;
        var scheduled = !string.IsNullOrWhiteSpace(export.Cron);
        _recurring.AddOrUpdate<INeighboursExportJob>(
            NeighboursExportId,
            job => job.RunAsync(k, sameCategory, CancellationToken.None),
            scheduled ? export.Cron! : Cron.Never(),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return scheduled;
    }

    private string EnqueueReindexLocked(string feedLocation, string? mapping, CancellationToken cancellationToken)
    {
        using var connection = _storage.GetConnection();
        using var held = connection.AcquireDistributedLock(ReindexLockResource, ReindexLockTimeout);
        foreach (var running in _statuses.ListUnfinishedAsync(JobKind.FullReindex, cancellationToken).GetAwaiter().GetResult())
        {
            if (IsActive(running.JobId))
            {
                return running.JobId;
            }
        }

        var jobId = _jobs.Enqueue<IFullReindexJob>(job => job.RunAsync(feedLocation, mapping, CancellationToken.None));

        // Before the lock is released: the next caller finds this job by its status.
        _statuses.TryCreateAsync(new JobStatus { JobId = jobId, Kind = JobKind.FullReindex, FeedLocation = feedLocation }, CancellationToken.None).GetAwaiter().GetResult();
        return jobId;
    }

    private bool IsActive(string jobId)
    {
        using var connection = _storage.GetConnection();
        var state = connection.GetStateData(jobId)?.Name;
        return state is not null && ActiveStates.Contains(state, StringComparer.Ordinal);
    }
}
