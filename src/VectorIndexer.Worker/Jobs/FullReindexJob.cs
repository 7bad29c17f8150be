using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

/// <summary>
/// Rebuilds the index from a catalogue feed into a new generation and switches to it atomically.
/// <list type="bullet">
/// <item>Too many bad records (above <see cref="WorkerOptions.MaxRejectedShare"/>), no valid record,
/// a cancellation or a fatal error: the new generation is dropped, the live one is untouched, and the
/// job fails with a message listing the first bad lines.</item>
/// <item>Pushed batches accepted while it runs are replayed from the <see cref="PendingBatchStore"/>
/// into the new generation in sequence order: first without a lock (nothing else writes the new
/// generation), then, holding the store's apply lock (see <see cref="PendingBatchRunner"/>), the
/// batches stored since, followed by the switch. No batch job writes to the live generation between
/// that last replay and the switch, so no batch reaches the old generation only. If the lock is not
/// free in time or the replay fails, nothing has been switched: the job fails transiently, keeps
/// its generation and checkpoint, and the retry resumes at the replay without reading the feed
/// again. After the switch the replayed batches are marked applied; if that fails they stay pending
/// and their jobs apply them to the live generation again, in order (harmless: they are there).
/// Parked batches are passed over; one that fails for good in the replay is parked and passed over.</item>
/// <item>Resumable: after each batch the generation and feed position are checkpointed in the
/// <see cref="JobStatusStore"/>. Hangfire runs a job again after a shutdown or a crash; the run
/// continues into the same generation from the checkpoint (ids are deterministic, so records
/// written twice are overwritten, never duplicated). A transient failure keeps the generation for
/// the retry.</item>
/// <item>Never runs twice at once: <see cref="DisableConcurrentExecutionAttribute"/> takes a
/// distributed lock on the method; a second reindex waits for it up to
/// <see cref="LockTimeoutSeconds"/>, then fails transiently and is retried. One that waited behind a
/// reindex of the same feed ("Trigger now" or the schedule during a rebuild) ends at once as a
/// no-op when the feed's version is the one that reindex read and its generation is still live.</item>
/// </list>
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class FullReindexJob : IFullReindexJob
{
    /// <summary>How long a second reindex waits for the one running.</summary>
    public const int LockTimeoutSeconds = IFullReindexJob.LockTimeoutSeconds;

    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long the replay before the switch waits for the apply lock (held by batch jobs applying to the live generation).</summary>
    internal static readonly TimeSpan DefaultApplyLockTimeout = TimeSpan.FromMinutes(10);

    private readonly ICatalogFeedSource _feed;
    private readonly ProductIndexer _indexer;
    private readonly IProductIndex _index;
    private readonly PendingBatchStore _batches;
    private readonly BatchApplier _applier;
    private readonly JobStatusStore _statuses;
    private readonly JobContextAccessor _context;
    private readonly WorkerOptions _options;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger _logger;

    public FullReindexJob(
        ICatalogFeedSource feed,
        ProductIndexer indexer,
        IProductIndex index,
        PendingBatchStore batches,
        BatchApplier applier,
        JobStatusStore statuses,
        JobContextAccessor context,
        IOptions<WorkerOptions> options,
        ILogger<FullReindexJob>? logger = null,
        IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _feed = feed;
        _indexer = indexer;
        _index = index;
        _batches = batches;
        _applier = applier;
        _statuses = statuses;
        _context = context;
        _options = options.Value;
        _lifetime = lifetime;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How long the last replay before the switch waits for the apply lock; then the job fails transiently.</summary>
    internal TimeSpan ApplyLockTimeout { get; init; } = DefaultApplyLockTimeout;

    /// <summary>Rebuilds the index from the feed at <paramref name="feedLocation"/> with field mapping <paramref name="mapping"/> (null: the default).</summary>
    /// <exception cref="IndexingJobException">The feed is unfit (too many bad records, none valid) or the vectors do not fit; not retried.</exception>
    [JobDisplayName("Full reindex from {0}")]
    [DisableConcurrentExecution(LockTimeoutSeconds)]
    public async Task RunAsync(string feedLocation, string? mapping, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(feedLocation);
        var jobId = _context.JobId ?? "reindex-" + ProductTextComposer.ContentHash(feedLocation + "\n" + mapping)[..16];
        var status = await _statuses.GetAsync(jobId, cancellationToken);
        if (status is { State: JobState.Succeeded })
        {
            return;
        }

        var live = await _index.GetLiveGenerationAsync(cancellationToken);
        if (status is { Generation: { } switched } && live?.Name == switched)
        {
            // Switched before the process died, but the success was not recorded.
            await _statuses.SaveAsync(status with { State = JobState.Succeeded, Message = $"Generation {switched} is live." }, CancellationToken.None);
            return;
        }

        if (status?.Generation is null && await NothingChangedSinceAsync(jobId, status, feedLocation, mapping, live, cancellationToken) is { } noOp)
        {
            await _statuses.SaveAsync(noOp, CancellationToken.None);
            return;
        }

        status = await StartOrResumeAsync(jobId, status, feedLocation, mapping, cancellationToken);
        var generation = status.Generation!;
        IAsyncDisposable applyLock;
        Replay replayed;
        try
        {
            if (status is { Total: { } total } && status.Processed >= total && status.Processed > 0)
            {
                // A retry after the whole feed was indexed (the replay or the switch failed): resume at the replay.
                Log.ReindexResumedAtReplay(_logger, jobId, generation, status.ChangeSequence);
            }
            else
            {
                status = await BuildAsync(status, generation, feedLocation, mapping, cancellationToken);
            }

            ThrowIfUnfit(status, feedLocation);
            (applyLock, replayed) = await ReplayAndSwitchAsync(generation, status.ChangeSequence, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && _lifetime?.ApplicationStopping.IsCancellationRequested == true)
        {
            status = await LatestAsync(status);
            Log.ReindexInterrupted(_logger, jobId, generation, status.Processed);
            await _statuses.SaveAsync(status with { State = JobState.Interrupted, Message = "Stopped by a shutdown; it resumes from its checkpoint after the restart." }, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            status = await LatestAsync(status);
            await DropAsync(jobId, generation);
            Log.ReindexFailed(_logger, jobId, generation, "cancelled");
            await _statuses.SaveAsync(status with { State = JobState.Cancelled, Message = "Cancelled; the new generation was dropped and the live index is unchanged." }, CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (!TransientFailures.IsTransient(ex))
        {
            status = await LatestAsync(status);
            await DropAsync(jobId, generation);
            var message = ex is IndexingJobException
                ? ex.Message
                : $"The reindex from {feedLocation} failed ({ex.GetType().Name}: {ex.Message}). The new generation was dropped; the live index is unchanged.";
            Log.ReindexFailed(_logger, jobId, generation, message);
            await _statuses.SaveAsync(status with { State = JobState.Failed, Message = message }, CancellationToken.None);
            if (ex is IndexingJobException)
            {
                throw;
            }

            throw new IndexingJobException(message, ex);
        }
        catch (Exception ex)
        {
            // Transient: nothing was switched. The generation and the checkpoint stay for the retry
            // (IndexingFailureFilter schedules it, or fails the job and drops the generation after the last).
            status = await LatestAsync(status);
            Log.ReindexNotSwitched(_logger, ex, jobId, generation);
            await _statuses.SaveAsync(status with
            {
                State = JobState.Retrying,
                Message = $"Not switched yet ({ex.GetType().Name}: {ex.Message}); the live index is unchanged. Generation {generation} and its checkpoint are kept: a retry resumes at the replay of pushed batches.",
            }, CancellationToken.None);
            throw;
        }

        // Switched, still holding the apply lock: mark the replayed batches applied, so their jobs
        // (and later batches' jobs) do not apply them again. Should this fail, they stay pending and
        // are applied to the live generation again, in sequence order: nothing is lost.
        var unmarked = await MarkAppliedAsync(jobId, generation, replayed.Pending);
        try
        {
            await applyLock.DisposeAsync();
        }
#pragma warning disable CA1031 // The switch is done; a lock that fails to release (PostgreSQL: the server frees it with its connection) must not fail it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ApplyLockReleaseFailed(_logger, ex, jobId);
        }

        try
        {
            if (live is not null && live.Name != generation)
            {
                await _index.DropGenerationAsync(live.Name, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // The switch is done; housekeeping failures must not fail it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DropFailed(_logger, ex, live?.Name ?? "(none)", jobId);
        }

        Log.ReindexSwitched(_logger, jobId, generation, status.Accepted, status.Rejected, replayed.Count, live?.Name ?? "(none)");
        var text = string.Create(CultureInfo.InvariantCulture, $"Generation {generation} is live: {status.Accepted} products indexed, {status.Rejected} records rejected, {replayed.Count} pushed batches replayed.");
        if (unmarked > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" {unmarked} of them could not be marked applied; they are in the live generation and their jobs apply them again, in order.");
        }

        await _statuses.SaveAsync(status with { State = JobState.Succeeded, Eta = TimeSpan.Zero, Message = text }, CancellationToken.None);
    }

    /// <summary>
    /// The status that ends this reindex at once when another one of the same feed finished after it
    /// was requested (it waited behind that one: "Trigger now" or the schedule during a rebuild) and
    /// nothing changed since: the feed has the version that one read and its generation is still
    /// live. Null when it must run. Pushed batches need no rebuild: they reach the live generation.
    /// </summary>
    private async Task<JobStatus?> NothingChangedSinceAsync(string jobId, JobStatus? status, string feedLocation, string? mapping, IndexGeneration? live, CancellationToken cancellationToken)
    {
        var requestedAt = status?.CreatedAt ?? _context.CreatedAt;
        if (requestedAt is null || live is null)
        {
            return null;
        }

        var last = await _statuses.GetLastSucceededAsync(JobKind.FullReindex, cancellationToken);
        if (last is not { FeedVersion: { } version, FinishedAt: { } finished } || last.JobId == jobId
            || finished < requestedAt || last.FeedLocation != feedLocation || last.Generation != live.Name)
        {
            return null;
        }

        if (await _feed.GetVersionAsync(feedLocation, mapping, cancellationToken) != version)
        {
            return null;
        }

        Log.ReindexNothingChanged(_logger, jobId, last.JobId, live.Name);
        return (status ?? new JobStatus { JobId = jobId, Kind = JobKind.FullReindex, CreatedAt = requestedAt.Value }) with
        {
            State = JobState.Succeeded,
            FeedLocation = feedLocation,
            FeedVersion = version,
            Generation = live.Name,
            Message = $"Nothing to do: reindex {last.JobId} of the same feed finished after this one was requested, and neither the feed nor the live generation ({live.Name}) has changed since.",
        };
    }

    private async Task<JobStatus> StartOrResumeAsync(string jobId, JobStatus? status, string feedLocation, string? mapping, CancellationToken cancellationToken)
    {
        if (status is { Generation: { } existing } && !status.IsFinished)
        {
            var generations = await _index.ListGenerationsAsync(cancellationToken);
            if (generations.Any(g => g.Name == existing && !g.IsLive && g.Model == _indexer.Model))
            {
                Log.ReindexResumed(_logger, jobId, existing, status.Processed, status.Accepted, status.Rejected);
                return await _statuses.SaveAsync(status with { State = JobState.Running, Message = null }, cancellationToken);
            }
        }

        // Fresh start (or the checkpointed generation is gone): pushed batches from now on, and any
        // not applied yet, are replayed into the new generation.
        var changeSequence = await _batches.GetReplayStartAsync(cancellationToken);

        // Before the feed is read: a change while it is read gives a later request another version.
        var feedVersion = await _feed.GetVersionAsync(feedLocation, mapping, cancellationToken);
        var created = await _index.CreateGenerationAsync(_indexer.Model, cancellationToken);
        Log.ReindexStarted(_logger, jobId, created.Name);
        return await _statuses.SaveAsync(new JobStatus
        {
            JobId = jobId,
            Kind = JobKind.FullReindex,
            State = JobState.Running,
            Generation = created.Name,
            FeedLocation = feedLocation,
            FeedVersion = feedVersion,
            ChangeSequence = changeSequence,
            CreatedAt = status?.CreatedAt ?? default,
        }, cancellationToken);
    }

    private async Task<JobStatus> BuildAsync(JobStatus status, string generation, string feedLocation, string? mapping, CancellationToken cancellationToken)
    {
        var total = await _feed.CountAsync(feedLocation, mapping, cancellationToken);

        // Unchanged products keep the live generation's vectors when it holds the same model.
        var live = await _index.GetLiveGenerationAsync(cancellationToken);
        var reuseFrom = live is not null && live.Name != generation && live.Model == _indexer.Model ? live.Name : generation;
        var resumeAt = status.Processed;
        long position = 0, accepted = status.Accepted, rejected = status.Rejected;
        var bad = status.BadRecords.ToList();
        var buffer = new List<Product>(_indexer.BatchSize);
        var clock = Stopwatch.StartNew();
        var lastLog = TimeSpan.Zero;

        async Task CheckpointAsync()
        {
            if (buffer.Count > 0)
            {
                await _indexer.IndexAsync(generation, reuseFrom, buffer, cancellationToken);
                accepted += buffer.Count;
                buffer.Clear();
            }

            var progress = IndexingProgress.Compute(position, position - resumeAt, total, clock.Elapsed);
            status = await _statuses.SaveAsync(status with
            {
                Processed = position,
                Total = total,
                Accepted = accepted,
                Rejected = rejected,
                BadRecords = bad.ToArray(),
                RatePerSecond = progress.RatePerSecond,
                Eta = progress.Eta,
            }, cancellationToken);
            if (clock.Elapsed - lastLog >= ProgressLogInterval)
            {
                lastLog = clock.Elapsed;
                Log.ReindexProgress(_logger, status.JobId, position, total, progress.RatePerSecond, progress.Eta);
            }
        }

        await foreach (var item in _feed.ReadAsync(feedLocation, mapping, cancellationToken).WithCancellation(cancellationToken))
        {
            position++;
            if (position <= resumeAt)
            {
                continue;
            }

            var problem = item.Product is { } product ? Validate(product) : item.Rejection ?? "rejected";
            if (problem is null)
            {
                buffer.Add(item.Product!);
            }
            else
            {
                rejected++;
                if (bad.Count < _options.ReportedBadRecords)
                {
                    bad.Add(new RejectedRecord(item.LineNumber, problem));
                }
            }

            if (buffer.Count >= _indexer.BatchSize)
            {
                await CheckpointAsync();
            }
        }

        await CheckpointAsync();
        return status;
    }

    private string? Validate(Product product)
    {
        if (string.IsNullOrWhiteSpace(product.Id))
        {
            return "the product id is empty";
        }

        if (product.Id.Length > 128)
        {
            return "the product id is longer than 128 characters";
        }

        if (string.IsNullOrWhiteSpace(product.Title) || _indexer.Compose(product).Length == 0)
        {
            return $"product {product.Id} has no title (nothing to embed)";
        }

        return null;
    }

    private void ThrowIfUnfit(JobStatus status, string feedLocation)
    {
        var seen = status.Accepted + status.Rejected;
        var share = seen == 0 ? 0 : (double)status.Rejected / seen;
        if (status.Accepted > 0 && share <= _options.MaxRejectedShare)
        {
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"The feed {feedLocation} ");
        text.Append(status.Accepted == 0 && status.Rejected == 0
            ? "has no records."
            : string.Create(CultureInfo.InvariantCulture, $"has {status.Rejected} bad records out of {seen} ({share:P2}); at most {_options.MaxRejectedShare:P2} are allowed (Worker:MaxRejectedShare)."));
        text.Append(" Nothing was switched: the live index is unchanged.");
        if (status.BadRecords.Count > 0)
        {
            text.Append(" First bad records: ");
            text.AppendJoin("; ", status.BadRecords.Select(r => string.Create(CultureInfo.InvariantCulture, $"line {r.LineNumber}: {r.Reason}")));
            if (status.Rejected > status.BadRecords.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $"; and {status.Rejected - status.BadRecords.Count} more");
            }

            text.Append('.');
        }

        throw new IndexingJobException(text.ToString());
    }

    /// <summary>
    /// Replays into <paramref name="generation"/> every batch after <paramref name="after"/>: first
    /// without the apply lock (the bulk: nothing else writes the new generation), then, under the lock,
    /// those stored since, and switches. Returns the lock, still held, for marking the batches applied.
    /// </summary>
    private async Task<(IAsyncDisposable Lock, Replay Replayed)> ReplayAndSwitchAsync(string generation, long after, CancellationToken cancellationToken)
    {
        var replayed = new Replay(after);
        await ReplayAsync(generation, replayed, cancellationToken);

        // Batch jobs apply to the live generation under this lock: while it is held none can write a
        // batch to the old generation that the new one lacks.
        var applyLock = await _batches.AcquireApplyLockAsync(ApplyLockTimeout, cancellationToken);
        try
        {
            await ReplayAsync(generation, replayed, cancellationToken);
            await _index.ActivateGenerationAsync(generation, cancellationToken);
            return (applyLock, replayed);
        }
        catch
        {
            await applyLock.DisposeAsync();
            throw;
        }
    }

    private async Task ReplayAsync(string generation, Replay replayed, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await _batches.ListAfterAsync(replayed.Through, 500, cancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            foreach (var batch in page)
            {
                if (batch.State == PendingBatchState.Parked)
                {
                    replayed.Skip(batch);
                    continue;
                }

                try
                {
                    await _applier.ApplyAsync(generation, batch, cancellationToken);
                }
                catch (Exception ex) when (batch.AppliedAt is null && PendingBatchRunner.IsPermanent(ex, cancellationToken))
                {
                    // It fails on any generation: parked, as its own job would park it; the rebuild goes on.
                    // (One already in the live generation that fails here fails the rebuild: it must not be lost.)
                    var reason = PendingBatchRunner.Reason(ex);
                    await _batches.ParkAsync(batch.Id, reason, CancellationToken.None);
                    Log.BatchParked(_logger, batch.Id, reason);
                    replayed.Skip(batch);
                    continue;
                }

                replayed.Add(batch);
            }
        }
    }

    /// <summary>Marks the replayed batches that were still pending applied; returns how many could not be.</summary>
    private async Task<int> MarkAppliedAsync(string jobId, string generation, IReadOnlyList<string> batchIds)
    {
        for (var i = 0; i < batchIds.Count; i++)
        {
            try
            {
                await _batches.MarkAppliedAsync(batchIds[i], generation, CancellationToken.None);
            }
#pragma warning disable CA1031 // The switch is done and the batches are in the live generation; unmarked, they are only applied again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.MarkAppliedAfterSwitchFailed(_logger, ex, jobId, generation, batchIds.Count - i);
                return batchIds.Count - i;
            }
        }

        return 0;
    }

    /// <summary>The status as last checkpointed (the build loop saves its own copies).</summary>
    private async Task<JobStatus> LatestAsync(JobStatus status) =>
        await _statuses.GetAsync(status.JobId, CancellationToken.None) ?? status;

    private async Task DropAsync(string jobId, string generation)
    {
        try
        {
            await _index.DropGenerationAsync(generation, CancellationToken.None);
        }
#pragma warning disable CA1031 // The job is failing already; a leftover generation is logged, not thrown over the real cause.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DropFailed(_logger, ex, generation, jobId);
        }
    }

    /// <summary>What a replay has applied to the new generation so far.</summary>
    private sealed class Replay(long after)
    {
        private readonly List<string> _pending = [];

        /// <summary>The sequence of the last batch replayed (at first, the sequence the rebuild started at).</summary>
        public long Through { get; private set; } = after;

        public int Count { get; private set; }

        /// <summary>Replayed batches not yet applied to the live generation when they were read.</summary>
        public IReadOnlyList<string> Pending => _pending;

        /// <summary>Passes over a parked batch: not in the new generation, not marked applied.</summary>
        public void Skip(PendingBatch batch) => Through = batch.Sequence;

        public void Add(PendingBatch batch)
        {
            Through = batch.Sequence;
            Count++;
            if (batch.AppliedAt is null)
            {
                _pending.Add(batch.Id);
            }
        }
    }
}
