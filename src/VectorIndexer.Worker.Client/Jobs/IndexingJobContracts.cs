using Hangfire;

namespace VectorIndexer.Worker.Jobs;

// The jobs as the scheduler enqueues them: Hangfire records the interface, and the worker's
// container resolves it to the job class. Hangfire reads job filters from the recorded type and
// method, so the attributes that govern a job are here; the job classes carry the same ones for
// jobs enqueued by their class name before the contracts existed.

/// <summary>A full reindex: rebuilds the index from a feed into a new generation and switches to it.</summary>
[AutomaticRetry(Attempts = 0)]
public interface IFullReindexJob
{
    /// <summary>How long a second reindex waits for the one running before it fails transiently.</summary>
    public const int LockTimeoutSeconds = 30;

    /// <summary>Rebuilds the index from the feed at <paramref name="feedLocation"/> with field mapping <paramref name="mapping"/> (null: the default).</summary>
    [JobDisplayName("Full reindex from {0}")]
    [DisableConcurrentExecution(LockTimeoutSeconds)]
    Task RunAsync(string feedLocation, string? mapping, CancellationToken cancellationToken);
}

/// <summary>Applies a pushed upsert batch to the live generation.</summary>
[AutomaticRetry(Attempts = 0)]
public interface IUpsertProductsJob
{
    /// <summary>Reads batch <paramref name="batchId"/> from the pending-batch store and applies it; safe to run twice.</summary>
    [JobDisplayName("Upsert batch {0}")]
    Task RunAsync(string batchId, CancellationToken cancellationToken);
}

/// <summary>Applies a pushed delete batch to the live generation.</summary>
[AutomaticRetry(Attempts = 0)]
public interface IDeleteProductsJob
{
    /// <summary>Reads batch <paramref name="batchId"/> from the pending-batch store and applies it; safe to run twice.</summary>
    [JobDisplayName("Delete batch {0}")]
    Task RunAsync(string batchId, CancellationToken cancellationToken);
}

/// <summary>Writes the live generation's similarity graph: each product's nearest products and the near-duplicate groups.</summary>
[AutomaticRetry(Attempts = 0)]
public interface INeighboursExportJob
{
    /// <summary>Exports with <paramref name="k"/> neighbours per product (within each product's category when <paramref name="sameCategory"/>), to <c>Worker:NeighboursExport:Directory</c>.</summary>
    [JobDisplayName("Export neighbours (k = {0})")]
    [DisableConcurrentExecution(30)]
    Task RunAsync(int k, bool sameCategory, CancellationToken cancellationToken);
}
