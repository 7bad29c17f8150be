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
/// into the new generation before the switch, and once more after it, in sequence order, under the
/// store's apply lock (see <see cref="PendingBatchRunner"/>).</item>
/// <item>Resumable: after each batch the generation and feed position are checkpointed in the
/// <see cref="JobStatusStore"/>. Hangfire runs a job again after a shutdown or a crash; the run
/// continues into the same generation from the checkpoint (ids are deterministic, so records
/// written twice are overwritten, never duplicated). A transient failure keeps the generation for
/// the retry.</item>
/// <item>Never runs twice at once: <see cref="DisableConcurrentExecutionAttribute"/> takes a
/// distributed lock on the method; a second reindex waits for it up to
/// <see cref="LockTimeoutSeconds"/>, then fails transiently and is retried.</item>
/// </list>
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class FullReindexJob
{
    /// <summary>How long a second reindex waits for the one running.</summary>
    public const int LockTimeoutSeconds = 30;

    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long the replay after the switch waits for batch jobs applying to the live generation.</summary>
    private static readonly TimeSpan ReplayLockTimeout = TimeSpan.FromMinutes(10);

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

        status = await StartOrResumeAsync(jobId, status, feedLocation, cancellationToken);
        var generation = status.Generation!;
        try
        {
            status = await BuildAsync(status, generation, feedLocation, mapping, cancellationToken);
            ThrowIfUnfit(status, feedLocation);

            await ReplayAsync(generation, status.ChangeSequence, markApplied: false, cancellationToken);
            await _index.ActivateGenerationAsync(generation, cancellationToken);
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

        // Switched. Batches that arrived during the switch may have gone to the old generation: apply
        // them again, in order, holding the apply lock so no batch job writes to the live generation
        // in between (a batch job waiting for it then finds its batch applied).
        var total = 0;
        try
        {
            await using (await _batches.AcquireApplyLockAsync(ReplayLockTimeout, CancellationToken.None))
            {
                total = await ReplayAsync(generation, status.ChangeSequence, markApplied: true, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // The switch is done; a failed replay is logged loudly, not thrown over the switch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ReplayAfterSwitchFailed(_logger, ex, jobId, generation, status.ChangeSequence);
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

        Log.ReindexSwitched(_logger, jobId, generation, status.Accepted, status.Rejected, total, live?.Name ?? "(none)");
        await _statuses.SaveAsync(status with
        {
            State = JobState.Succeeded,
            Eta = TimeSpan.Zero,
            Message = string.Create(CultureInfo.InvariantCulture, $"Generation {generation} is live: {status.Accepted} products indexed, {status.Rejected} records rejected, {total} pushed batches replayed."),
        }, CancellationToken.None);
    }

    private async Task<JobStatus> StartOrResumeAsync(string jobId, JobStatus? status, string feedLocation, CancellationToken cancellationToken)
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
        var created = await _index.CreateGenerationAsync(_indexer.Model, cancellationToken);
        Log.ReindexStarted(_logger, jobId, created.Name);
        return await _statuses.SaveAsync(new JobStatus
        {
            JobId = jobId,
            Kind = JobKind.FullReindex,
            State = JobState.Running,
            Generation = created.Name,
            FeedLocation = feedLocation,
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

    private async Task<int> ReplayAsync(string generation, long after, bool markApplied, CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            var page = await _batches.ListAfterAsync(after, 500, cancellationToken);
            if (page.Count == 0)
            {
                return count;
            }

            foreach (var batch in page)
            {
                await _applier.ApplyAsync(generation, batch, cancellationToken);
                if (markApplied)
                {
                    await _batches.MarkAppliedAsync(batch.Id, cancellationToken);
                }

                after = batch.Sequence;
                count++;
            }
        }
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
}
