using Microsoft.Extensions.Logging;

namespace VectorIndexer.Worker;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Reindex {JobId} started into new generation {Generation}")]
    public static partial void ReindexStarted(ILogger logger, string jobId, string generation);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Reindex {JobId} resumes generation {Generation} at feed position {Position} ({Accepted} indexed, {Rejected} rejected)")]
    public static partial void ReindexResumed(ILogger logger, string jobId, string generation, long position, long accepted, long rejected);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Reindex {JobId} progress: {Processed} of {Total} records, {Rate:F1}/s, ETA {Eta}")]
    public static partial void ReindexProgress(ILogger logger, string jobId, long processed, long? total, double rate, TimeSpan? eta);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Reindex {JobId} switched the live index to {Generation} ({Accepted} records, {Rejected} rejected, {Replayed} pushed batches replayed); previous {Previous}")]
    public static partial void ReindexSwitched(ILogger logger, string jobId, string generation, long accepted, long rejected, int replayed, string previous);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Reindex {JobId} failed; generation {Generation} dropped, the live index is unchanged: {Reason}")]
    public static partial void ReindexFailed(ILogger logger, string jobId, string generation, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Reindex {JobId} interrupted by shutdown; generation {Generation} kept to resume at feed position {Position}")]
    public static partial void ReindexInterrupted(ILogger logger, string jobId, string generation, long position);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Batch {BatchId} ({Kind}, {Count} items) applied to generation {Generation}")]
    public static partial void BatchApplied(ILogger logger, string batchId, VectorIndexer.Worker.Storage.PendingBatchKind kind, int count, string generation);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Batch {BatchId} kept pending: no generation is live yet; the next full reindex applies it")]
    public static partial void BatchPendingNoLive(ILogger logger, string batchId);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Job {JobId} failed transiently ({ExceptionType}); retry {Attempt} of {MaxRetries} in {Delay}")]
    public static partial void TransientRetry(ILogger logger, string jobId, string exceptionType, int attempt, int maxRetries, TimeSpan delay);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "Job {JobId} failed for good: {Reason}")]
    public static partial void JobFailed(ILogger logger, string jobId, string reason);

    // Logged by every process with the job layer, API-only ones included (they only enqueue).

    [LoggerMessage(EventId = 4012, Level = LogLevel.Debug, Message = "Indexed {Count} products into {Generation}: {Embedded} embedded, {Reused} vectors reused")]
    public static partial void BatchIndexed(ILogger logger, int count, string generation, int embedded, int reused);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Dropping generation {Generation} left by job {JobId} failed")]
    public static partial void DropFailed(ILogger logger, Exception exception, string generation, string jobId);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Job {JobId} was left processing, or fetched and not yet started, by a worker that died; requeued")]
    public static partial void OrphanRequeued(ILogger logger, string jobId);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Warning, Message = "Lock {Resource} was left held by a worker that died; released")]
    public static partial void LeftLockReleased(ILogger logger, string resource);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Information, Message = "Batch {BatchId}: {Count} earlier pending batches applied first, in sequence order")]
    public static partial void EarlierBatchesApplied(ILogger logger, string batchId, int count);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Information, Message = "Batch {BatchId} was already applied (by the job of a later batch or a reindex replay)")]
    public static partial void BatchAlreadyApplied(ILogger logger, string batchId);

    [LoggerMessage(EventId = 4019, Level = LogLevel.Information, Message = "Worker stores: pending batches in {Batches}, job statuses in {Statuses}")]
    public static partial void StoresConfigured(ILogger logger, string batches, string statuses);

    // Logged only where a Hangfire server runs the jobs (AddIndexingWorker).
    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Job server runs {Workers} workers on {Storage} job storage, invisibility timeout {Invisibility} (sliding: {Sliding}), shutdown timeout {ShutdownTimeout}")]
    public static partial void ServerConfigured(ILogger logger, int workers, string storage, TimeSpan invisibility, bool sliding, TimeSpan shutdownTimeout);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Readiness probe: the {Component} failed")]
    public static partial void ProbeFailed(ILogger logger, string component, Exception exception);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Reindex {JobId} switched to {Generation}, but {Count} replayed batches could not be marked applied; they are in the live generation and their jobs apply them again, in order")]
    public static partial void MarkAppliedAfterSwitchFailed(ILogger logger, Exception exception, string jobId, string generation, int count);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Warning, Message = "Reindex {JobId} did not switch to {Generation} (transient failure); the live index is unchanged, the generation is kept for the retry")]
    public static partial void ReindexNotSwitched(ILogger logger, Exception exception, string jobId, string generation);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Information, Message = "Reindex {JobId}: generation {Generation} holds the whole feed; resuming at the replay of pushed batches after sequence {Sequence}")]
    public static partial void ReindexResumedAtReplay(ILogger logger, string jobId, string generation, long sequence);

    [LoggerMessage(EventId = 4026, Level = LogLevel.Warning, Message = "Reindex {JobId} switched, but releasing the pending-batch apply lock failed")]
    public static partial void ApplyLockReleaseFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 4027, Level = LogLevel.Error, Message = "Batch {BatchId} parked: {Reason}. Later batches go on without it; retry it with POST /api/batches/{BatchId}/retry or discard it with DELETE /api/batches/{BatchId}")]
    public static partial void BatchParked(ILogger logger, string batchId, string reason);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Reindex {JobId}: nothing to do, reindex {FinishedJobId} of the same feed finished after it was requested and neither the feed nor the live generation {Generation} has changed since")]
    public static partial void ReindexNothingChanged(ILogger logger, string jobId, string finishedJobId, string generation);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "Dashboard refused the credentials of client {Client} on {Path} (failed attempt {Failures} of {PermitLimit} in the window)")]
    public static partial void DashboardCredentialsRefused(ILogger logger, string client, string path, int failures, int permitLimit);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Warning, Message = "Client {Client} locked out of the dashboard for {Seconds} s after {Failures} failed sign-in attempts (Worker:Dashboard:FailedAttempts)")]
    public static partial void DashboardLockedOut(ILogger logger, string client, int failures, int seconds);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Information, Message = "Neighbours export of generation {Generation}: {Done} of {Total} products, ETA {Eta}")]
    public static partial void NeighboursProgress(ILogger logger, string generation, long done, long total, TimeSpan eta);

    [LoggerMessage(EventId = 4034, Level = LogLevel.Information, Message = "Neighbours export of generation {Generation} written: {Products} products, k {K}, {Groups} near-duplicate groups, in {Seconds:F1} s to {Path}")]
    public static partial void NeighboursExported(ILogger logger, string generation, long products, int k, int groups, double seconds, string path);
}
