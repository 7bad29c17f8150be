using System.Globalization;
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
public sealed partial class FullReindexJob : IFullReindexJob
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
}
