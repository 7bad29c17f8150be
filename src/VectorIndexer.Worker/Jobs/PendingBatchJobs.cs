using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

/// <summary>Applies a pushed upsert batch to the live generation.</summary>
[AutomaticRetry(Attempts = 0)]
public sealed class UpsertProductsJob
{
    private readonly PendingBatchRunner _runner;

    public UpsertProductsJob(PendingBatchRunner runner) => _runner = runner;

    /// <summary>Reads batch <paramref name="batchId"/> from the pending-batch store and applies it; safe to run twice.</summary>
    [JobDisplayName("Upsert batch {0}")]
    public Task RunAsync(string batchId, CancellationToken cancellationToken) =>
        _runner.RunAsync(batchId, PendingBatchKind.Upsert, cancellationToken);
}

/// <summary>Applies a pushed delete batch to the live generation.</summary>
[AutomaticRetry(Attempts = 0)]
public sealed class DeleteProductsJob
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
/// </summary>
public sealed class PendingBatchRunner
{
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

        status = await _statuses.SaveAsync(status with { State = JobState.Running, BatchId = batchId, Total = batch.ProductIds.Count }, cancellationToken);
        try
        {
            var live = await _index.GetLiveGenerationAsync(cancellationToken);
            if (live is null)
            {
                Log.BatchPendingNoLive(_logger, batchId);
                await _statuses.SaveAsync(status with { State = JobState.Succeeded, Message = "No generation is live yet; the batch stays pending and the next full reindex applies it." }, cancellationToken);
                return;
            }

            await _applier.ApplyAsync(live.Name, batch, cancellationToken);
            await _batches.MarkAppliedAsync(batchId, cancellationToken);
            await _statuses.SaveAsync(status with
            {
                State = JobState.Succeeded,
                Processed = batch.ProductIds.Count,
                Accepted = batch.ProductIds.Count,
                Generation = live.Name,
                Message = $"{batch.ProductIds.Count} products {(kind == PendingBatchKind.Upsert ? "upserted into" : "deleted from")} generation {live.Name}.",
            }, CancellationToken.None);
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
}
