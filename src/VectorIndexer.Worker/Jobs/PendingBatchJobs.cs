using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

/// <inheritdoc cref="IUpsertProductsJob"/>
[AutomaticRetry(Attempts = 0)]
public sealed class UpsertProductsJob : IUpsertProductsJob
{
    private readonly PendingBatchRunner _runner;

    public UpsertProductsJob(PendingBatchRunner runner) => _runner = runner;

    /// <summary>Reads batch <paramref name="batchId"/> from the pending-batch store and applies it; safe to run twice.</summary>
    [JobDisplayName("Upsert batch {0}")]
    public Task RunAsync(string batchId, CancellationToken cancellationToken) =>
        _runner.RunAsync(batchId, PendingBatchKind.Upsert, cancellationToken);
}

/// <inheritdoc cref="IDeleteProductsJob"/>
[AutomaticRetry(Attempts = 0)]
public sealed class DeleteProductsJob : IDeleteProductsJob
{
    private readonly PendingBatchRunner _runner;

    public DeleteProductsJob(PendingBatchRunner runner) => _runner = runner;

    /// <summary>Reads batch <paramref name="batchId"/> from the pending-batch store and applies it; safe to run twice.</summary>
    [JobDisplayName("Delete batch {0}")]
    public Task RunAsync(string batchId, CancellationToken cancellationToken) =>
        _runner.RunAsync(batchId, PendingBatchKind.Delete, cancellationToken);
}

/// <summary>
/// The body of the batch jobs. A batch reaches the live generation here; a rebuild running at the
/// same time replays it from the store into the new generation before (and after) its switch.
/// <para>
/// Batches reach the live generation in sequence order whatever order their jobs run in (several
/// Hangfire workers, several processes): the runner holds the store's apply lock, applies first
/// every earlier batch not applied yet, then its own, marking each applied; a job whose batch was
/// already applied that way only records its success. So two pushes of one product end with the
/// later one, and no batch is applied twice over a later one.
/// </para>
/// <para>
/// A batch that fails for good (the index refuses it; a transient failure after the last retry, see
/// <see cref="IndexingFailureFilter"/>) is parked: later batches go on without it, its job ends
/// <see cref="JobState.Parked"/> with the reason, and an operator sends it again or discards it.
/// </para>
/// </summary>
public sealed class PendingBatchRunner
{
    /// <summary>How long a batch job waits for the apply lock before failing transiently (and being retried).</summary>
    public static readonly TimeSpan ApplyLockTimeout = TimeSpan.FromMinutes(5);

    private const int CatchUpPage = 100;

    private readonly PendingBatchStore _batches;
    private readonly JobStatusStore _statuses;
    private readonly BatchApplier _applier;
    private readonly IProductIndex _index;
    private readonly JobContextAccessor _context;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger _logger;

    public PendingBatchRunner(PendingBatchStore batches, JobStatusStore statuses, BatchApplier applier, IProductIndex index, JobContextAccessor context, ILogger<PendingBatchRunner>? logger = null, IHostApplicationLifetime? lifetime = null)
    {
        _batches = batches;
        _statuses = statuses;
        _applier = applier;
        _index = index;
        _context = context;
        _lifetime = lifetime;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task RunAsync(string batchId, PendingBatchKind kind, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        var jobId = _context.JobId ?? $"batch-{batchId}";
        var jobKind = kind == PendingBatchKind.Upsert ? JobKind.Upsert : JobKind.Delete;
        var status = await _statuses.GetAsync(jobId, cancellationToken) ?? new JobStatus { JobId = jobId, Kind = jobKind, BatchId = batchId };
        var batch = await _batches.GetAsync(batchId, cancellationToken);
        if (batch is null)
        {
            throw new IndexingJobException($"Batch {batchId} is not in the pending-batch store: it was never stored, or it was applied and purged.");
        }

        if (batch.Kind != kind)
        {
            throw new IndexingJobException($"Batch {batchId} is a {batch.Kind.ToString().ToLowerInvariant()} batch, not a {kind.ToString().ToLowerInvariant()} batch.");
        }

        var count = batch.ProductIds.Count;
        status = await _statuses.SaveAsync(status with { State = JobState.Running, BatchId = batchId, Total = count }, cancellationToken);
        try
        {
            await using (await _batches.AcquireApplyLockAsync(ApplyLockTimeout, cancellationToken))
            {
                // Under the lock: the marker tells whether the job of a later batch, or a rebuild's
                // replay, has applied this one already.
                var current = await _batches.GetAsync(batchId, cancellationToken);
                if (current is null || current.AppliedAt is not null)
                {
                    // The store says where it went: the status carries the generation however the batch got there.
                    Log.BatchAlreadyApplied(_logger, batchId);
                    await _statuses.SaveAsync(status with
                    {
                        State = JobState.Succeeded,
                        Processed = count,
                        Accepted = count,
                        Generation = current?.AppliedGeneration,
                        Message = $"{count} products applied to generation {current?.AppliedGeneration ?? "(purged since)"} in sequence order, before this job ran (by the job of a later batch or a reindex).",
                    }, CancellationToken.None);
                    return;
                }

                if (current.ParkedAt is not null)
                {
                    // Parked by the job of a later batch or a reindex's replay, where it failed for good.
                    throw await ParkedAsync(status, current.ParkReason ?? "it failed for good", null);
                }

                var live = await _index.GetLiveGenerationAsync(cancellationToken);
                if (live is null)
                {
                    Log.BatchPendingNoLive(_logger, batchId);
                    await _statuses.SaveAsync(status with { State = JobState.Succeeded, Message = "No generation is live yet; the batch stays pending and the next full reindex applies it." }, cancellationToken);
                    return;
                }

                var earlier = await ApplyEarlierAsync(live.Name, current, cancellationToken);
                try
                {
                    await _applier.ApplyAsync(live.Name, current, cancellationToken);
                }
                catch (Exception ex) when (IsPermanent(ex, cancellationToken))
                {
                    await _batches.ParkAsync(batchId, Reason(ex), CancellationToken.None);
                    throw await ParkedAsync(status, Reason(ex), ex);
                }

                await _batches.MarkAppliedAsync(batchId, live.Name, cancellationToken);
                await _statuses.SaveAsync(status with
                {
                    State = JobState.Succeeded,
                    Processed = count,
                    Accepted = count,
                    Generation = live.Name,
                    Message = $"{count} products {(kind == PendingBatchKind.Upsert ? "upserted into" : "deleted from")} generation {live.Name}"
                        + (earlier > 0 ? $", after {earlier} earlier pending batches." : "."),
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var stopping = _lifetime?.ApplicationStopping.IsCancellationRequested == true;
            await _statuses.SaveAsync(status with
            {
                State = stopping ? JobState.Interrupted : JobState.Cancelled,
                Message = stopping ? "Stopped by a shutdown; it runs again after the restart." : "Cancelled; the batch stays in the store.",
            }, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Applies the batches before <paramref name="batch"/> that are not applied yet, oldest first; returns how many.</summary>
    private async Task<int> ApplyEarlierAsync(string generation, PendingBatch batch, CancellationToken cancellationToken)
    {
        var applied = 0;
        while (true)
        {
            var page = await _batches.ListUnappliedThroughAsync(batch.Sequence - 1, CatchUpPage, cancellationToken);
            if (page.Count == 0)
            {
                if (applied > 0)
                {
                    Log.EarlierBatchesApplied(_logger, batch.Id, applied);
                }

                return applied;
            }

            foreach (var earlier in page)
            {
                try
                {
                    await _applier.ApplyAsync(generation, earlier, cancellationToken);
                }
                catch (Exception ex) when (IsPermanent(ex, cancellationToken))
                {
                    // It will never apply: set it aside (its own job reports it) and go on with the rest.
                    await _batches.ParkAsync(earlier.Id, Reason(ex), CancellationToken.None);
                    Log.BatchParked(_logger, earlier.Id, Reason(ex));
                    continue;
                }

                await _batches.MarkAppliedAsync(earlier.Id, generation, cancellationToken);
                applied++;
            }
        }
    }

    /// <summary>A failure that retrying cannot mend (the index refuses the products, say), as opposed to a transient one or a cancellation.</summary>
    internal static bool IsPermanent(Exception exception, CancellationToken cancellationToken) =>
        !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested) && !TransientFailures.IsTransient(exception);

    /// <summary>A failure, for the parked batch's record and its job's status.</summary>
    internal static string Reason(Exception exception) =>
        exception is IndexingJobException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";

    /// <summary>Records the job as parked and returns the exception that fails it (so the dashboard lists it with the reason).</summary>
    private async Task<IndexingJobException> ParkedAsync(JobStatus status, string reason, Exception? cause)
    {
        var batchId = status.BatchId!;
        Log.BatchParked(_logger, batchId, reason);
        var message = ParkedMessage(batchId, reason);
        await _statuses.SaveAsync(status with { State = JobState.Parked, Message = message }, CancellationToken.None);
        return cause is null ? new IndexingJobException(message) : new IndexingJobException(message, cause);
    }

    /// <summary>What a parked batch's job says, for a person.</summary>
    internal static string ParkedMessage(string batchId, string reason) =>
        $"Batch {batchId} is parked: {reason}. Later batches go on without it. Send it again with POST /api/batches/{batchId}/retry (products pushed since keep their newer version) or discard it with DELETE /api/batches/{batchId}.";
}
