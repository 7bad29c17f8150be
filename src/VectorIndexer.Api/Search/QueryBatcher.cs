using System.Threading.Channels;

namespace VectorIndexer.Api.Search;

/// <summary>Embeds a list of queries in one call; the vectors come back in input order.</summary>
public delegate Task<float[][]> EmbedQueryBatch(IReadOnlyList<string> queries, CancellationToken cancellationToken);

/// <summary>
/// Opportunistic micro-batching of query embeddings: concurrent requests' queries go to the model
/// together, without a wait timer. <see cref="Consumers"/> loops each take what is queued (up to
/// <see cref="BatchSize"/> queries) and make one call; a query that arrives while a loop is free runs
/// at once and alone, queries that arrive while every loop is busy queue up and go together in the
/// next call. Identical queries in one batch are embedded once. A caller that gives up leaves its
/// batch: a queued query is dropped, a running call is never cancelled for one caller. A failed
/// call fails every caller of its batch and the loops go on. A batch size of 1 turns batching off:
/// each query calls the embedder directly, with its caller's cancellation.
/// </summary>
public sealed class QueryBatcher : IAsyncDisposable, IDisposable
{
    private readonly EmbedQueryBatch _embed;
    private readonly Channel<Pending>? _queue;
    private readonly Task[] _loops = [];
    private int _disposed;

    /// <param name="embed">The engine call for one batch.</param>
    /// <param name="batchSize">Most queries in one call; 1 disables batching.</param>
    /// <param name="consumers">Calls in flight at once, e.g. the engine's concurrency.</param>
    /// <param name="queueCapacity">Most queries waiting; further callers wait to enter the queue.</param>
    public QueryBatcher(EmbedQueryBatch embed, int batchSize, int consumers, int queueCapacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(embed);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(consumers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCapacity);
        _embed = embed;
        BatchSize = batchSize;
        Consumers = consumers;
        if (batchSize == 1)
        {
            return;
        }

        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = consumers == 1,
            SingleWriter = false,
        });
        _loops = new Task[consumers];
        for (var i = 0; i < consumers; i++)
        {
            _loops[i] = Task.Run(ConsumeAsync);
        }
    }

    /// <summary>Most queries in one call.</summary>
    public int BatchSize { get; }

    /// <summary>Calls in flight at once.</summary>
    public int Consumers { get; }

    /// <summary>The vector of <paramref name="query"/>, embedded alone or with concurrent queries.</summary>
    /// <exception cref="ObjectDisposedException">The batcher is disposed.</exception>
    public async ValueTask<float[]> EmbedAsync(string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_queue is null)
        {
            var vectors = await _embed([query], cancellationToken).ConfigureAwait(false);
            return vectors[0];
        }

        var pending = new Pending(query, cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            try
            {
                await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException ex)
            {
                throw new ObjectDisposedException(nameof(QueryBatcher), ex);
            }
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes no more queries, lets the queued ones and the running calls finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue?.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue?.Writer.TryComplete();
        Task.WhenAll(_loops).GetAwaiter().GetResult();
    }

    private async Task ConsumeAsync()
    {
        var reader = _queue!.Reader;
        var batch = new List<Pending>(BatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && reader.TryRead(out var pending))
            {
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    // Its caller has left; nothing awaits this task.
                    pending.Completion.TrySetCanceled(pending.CancellationToken);
                }
                else
                {
                    batch.Add(pending);
                }
            }

            if (batch.Count > 0)
            {
                await RunAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    /// <summary>One call for the distinct queries of <paramref name="batch"/>; never throws.</summary>
    private async Task RunAsync(List<Pending> batch)
    {
        var slots = new Dictionary<string, int>(batch.Count, StringComparer.Ordinal);
        var queries = new List<string>(batch.Count);
        foreach (var pending in batch)
        {
            if (slots.TryAdd(pending.Query, queries.Count))
            {
                queries.Add(pending.Query);
            }
        }

        float[][] vectors;
        try
        {
            // One caller's cancellation must not cancel the call the others wait on.
            vectors = await _embed(queries, CancellationToken.None).ConfigureAwait(false);
            if (vectors.Length != queries.Count)
            {
                throw new InvalidOperationException($"The embedder returned {vectors.Length} vectors for {queries.Count} queries.");
            }
        }
#pragma warning disable CA1031 // Any failure belongs to the batch's callers; the loop must go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(ex);
            }

            return;
        }

        foreach (var pending in batch)
        {
            pending.Completion.TrySetResult(vectors[slots[pending.Query]]);
        }
    }

    private sealed class Pending(string query, CancellationToken cancellationToken)
    {
        public string Query { get; } = query;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<float[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
