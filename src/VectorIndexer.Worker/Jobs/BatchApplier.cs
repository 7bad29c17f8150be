using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

/// <summary>
/// Applies a pushed batch to a generation: upserts are embedded (unchanged texts reuse their vectors),
/// deletes remove. A parked batch sent again leaves out the products that later pushes touch.
/// </summary>
public sealed class BatchApplier
{
    private readonly ProductIndexer _indexer;
    private readonly IProductIndex _index;
    private readonly PendingBatchStore _batches;
    private readonly ILogger _logger;

    public BatchApplier(ProductIndexer indexer, IProductIndex index, PendingBatchStore batches, ILogger<BatchApplier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(batches);
        _indexer = indexer;
        _index = index;
        _batches = batches;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task ApplyAsync(string generation, PendingBatch batch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(generation);
        ArgumentNullException.ThrowIfNull(batch);
        // A parked batch sent again whose products were all pushed again since has nothing current left.
        batch = await _batches.WithoutSupersededAsync(batch, cancellationToken);
        if (batch.ProductIds.Count > 0 && batch.Kind == PendingBatchKind.Upsert)
        {
            await _indexer.IndexAsync(generation, batch.Products, cancellationToken);
        }
        else if (batch.ProductIds.Count > 0)
        {
            await _index.DeleteAsync(generation, batch.ProductIds, cancellationToken);
        }

        Log.BatchApplied(_logger, batch.Id, batch.Kind, batch.ProductIds.Count, generation);
    }
}
