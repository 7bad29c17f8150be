using Microsoft.Extensions.Options;
using VectorIndexer.Embedding;

namespace VectorIndexer.Api.Search;

/// <summary>Turns a search query into a vector of the model the index was built with.</summary>
public interface IQueryEmbedder
{
    /// <summary>The embedding model's name, as recorded on index generations.</summary>
    string ModelName { get; }

    /// <summary>The query's vector; callers must not modify it.</summary>
    ValueTask<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken);
}

/// <summary>
/// Embeds queries with the shared <see cref="OnnxEmbedder"/>, concurrent ones together in one model
/// call (<see cref="QueryBatcher"/>, up to <c>Search:QueryBatchSize</c> queries and
/// <c>Search:QueryBatchMaxTokens</c> padded tokens a call, <c>Embedding:Concurrency</c> calls at once).
/// </summary>
public sealed class OnnxQueryEmbedder : IQueryEmbedder, IAsyncDisposable, IDisposable
{
    private readonly OnnxEmbedder _embedder;
    private readonly int _maxBatchSize;
    private readonly int _maxTokensPerBatch;
    private readonly QueryBatcher _batcher;

    public OnnxQueryEmbedder(OnnxEmbedder embedder, IOptions<SearchOptions> options)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(options);
        _embedder = embedder;
        _maxBatchSize = options.Value.QueryBatchSize;
        _maxTokensPerBatch = options.Value.QueryBatchMaxTokens;
        _batcher = new QueryBatcher(EmbedBatchAsync, options.Value.QueryBatchSize, embedder.Concurrency);
    }

    public string ModelName => _embedder.Model.Name;

    public ValueTask<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken) =>
        _batcher.EmbedAsync(query, cancellationToken);

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    public void Dispose() => _batcher.Dispose();

    // The engine's own bounds are tuned for long product texts; a batch of short queries gets its own.
    private Task<float[][]> EmbedBatchAsync(IReadOnlyList<string> queries, CancellationToken cancellationToken) =>
        _embedder.EmbedAsync(queries, EmbeddingPurpose.Query, _maxBatchSize, _maxTokensPerBatch, cancellationToken);
}

/// <summary>
/// Keeps the vectors of the most recently used queries (least recently used evicted first), so an
/// identical query does not run the model again. A capacity of 0 passes every query through.
/// </summary>
public sealed class CachingQueryEmbedder : IQueryEmbedder
{
    private readonly IQueryEmbedder _inner;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, float[]>>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, float[]>> _order = new();

    public CachingQueryEmbedder(IQueryEmbedder inner, int capacity)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _inner = inner;
        _capacity = capacity;
    }

    public string ModelName => _inner.ModelName;

    /// <summary>Vectors currently cached.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public async ValueTask<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_capacity == 0)
        {
            return await _inner.EmbedQueryAsync(query, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(query, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Value;
            }
        }

        var vector = await _inner.EmbedQueryAsync(query, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_entries.ContainsKey(query))
            {
                _entries[query] = _order.AddFirst(new KeyValuePair<string, float[]>(query, vector));
                while (_entries.Count > _capacity && _order.Last is { } oldest)
                {
                    _order.RemoveLast();
                    _entries.Remove(oldest.Value.Key);
                }
            }
        }

        return vector;
    }
}
