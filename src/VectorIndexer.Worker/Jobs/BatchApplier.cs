using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

/// <summary>Applies a pushed batch to a generation: upserts are embedded (unchanged texts reuse their vectors), deletes remove.</summary>
public sealed class BatchApplier
{
    private readonly ProductIndexer _indexer;
    private readonly IProductIndex _index;
    private readonly ILogger _logger;

    public BatchApplier(ProductIndexer indexer, IProductIndex index, ILogger<BatchApplier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        ArgumentNullException.ThrowIfNull(index);
        _indexer = indexer;
        _index = index;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task ApplyAsync(string generation, PendingBatch batch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(generation);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Kind == PendingBatchKind.Upsert)
        {
            await _indexer.IndexAsync(generation, batch.Products, cancellationToken);
        }
        else
        {
            await _index.DeleteAsync(generation, batch.ProductIds, cancellationToken);
        }

        Log.BatchApplied(_logger, batch.Id, batch.Kind, batch.ProductIds.Count, generation);
    }
}
