using Microsoft.Extensions.Logging;

namespace VectorIndexer.Worker;

/// <summary>The log messages of the worker client (event ids 40xx, shared with the worker).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 4029, Level = LogLevel.Information, Message = "Batch {BatchId} (parked) discarded by an operator")]
    public static partial void BatchDiscarded(ILogger logger, string batchId);

    [LoggerMessage(EventId = 4028, Level = LogLevel.Information, Message = "Batch {BatchId} sent again as batch {NewBatchId} (job {JobId})")]
    public static partial void BatchRetried(ILogger logger, string batchId, string newBatchId, string jobId);

    [LoggerMessage(EventId = 4025, Level = LogLevel.Warning, Message = "Worker:Storage is sqlite and this process runs no indexing jobs (AddIndexingClient without AddIndexingWorker): pushes and reindexes are accepted and stored under {DataDirectory}, but only a worker host on this machine with the same Worker:DataDirectory runs them. Set Worker:Storage=postgresql and ConnectionStrings:Hangfire here and on the workers, or run a worker host that shares Worker:DataDirectory on this machine.")]
    public static partial void ClientWithoutLocalWorker(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Indexing jobs use {Storage} job storage ({Location})")]
    public static partial void StorageConfigured(ILogger logger, string storage, string location);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Information, Message = "Worker store schema {Schema} migrated to version {Version}")]
    public static partial void StoreMigrated(ILogger logger, string schema, int version);
}
