using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;
using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Index.Embedded;

/// <summary>
/// The embedded product index, the default store: a SQLite database (WAL, one file per folder)
/// makes every acknowledged write durable, and every generation is held in memory for exact
/// cosine search (vectors are normalised at insert, so cosine is a dot product) with filters
/// evaluated on payload columns, and an inverted index of each product's lexical (BM25F) vector,
/// rebuilt at load from the stored products with the settings the generation recorded. Searches run concurrently with writes and generation switches:
/// each generation has a reader-writer lock, and the live pointer is swapped atomically after the
/// switch is committed. One process opens a folder at a time.
/// </summary>
public sealed class EmbeddedProductIndex : IProductIndex, IDisposable
{
    /// <summary>Records per page of <see cref="ScanAsync"/>.</summary>
    private const int ScanPageSize = 512;

    /// <summary>Longest accepted product id.</summary>
    public const int MaxProductIdLength = 128;

    /// <summary>Largest accepted vector length.</summary>
    public const int MaxDimensions = 65_536;

    private readonly SqliteIndexStore? _store;
    private readonly IReadOnlyList<string> _filterableAttributes;
    private readonly ProductSchema _schema;
    private readonly LexicalOptions _lexical;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile IndexState _state;
    private int _disposed;

    /// <summary>Opens (or creates) the index in <see cref="EmbeddedIndexOptions.DataDirectory"/> and loads every generation into memory.</summary>
    public EmbeddedProductIndex(EmbeddedIndexOptions options, ILogger<EmbeddedProductIndex>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _filterableAttributes = [.. options.FilterableAttributes];
        _schema = new ProductSchema(_filterableAttributes);
        _lexical = (options.Lexical ?? new LexicalOptions()).Clone();
        _lexical.ThrowIfInvalid("Index:Embedded:Lexical");
        var stopwatch = Stopwatch.StartNew();
        _store = new SqliteIndexStore(Path.GetFullPath(options.DataDirectory), options.Synchronous);
        try
        {
            _state = Load(_store, _filterableAttributes, _lexical);
        }
        catch
        {
            _store.Dispose();
            throw;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var records = _state.Generations.Values.Sum(g => (long)g.ApproximateCount);
            Log.Opened(_logger, _store.DatabasePath, _state.Generations.Count, records, _state.Live?.Name ?? "none", stopwatch.ElapsedMilliseconds);
        }
    }

    private EmbeddedProductIndex(IReadOnlyList<string> filterableAttributes, LexicalOptions lexical, ILogger? logger)
    {
        _logger = logger ?? NullLogger.Instance;
        _lexical = lexical.Clone();
        _lexical.ThrowIfInvalid();
        _filterableAttributes = filterableAttributes;
        _schema = new ProductSchema(filterableAttributes);
        _state = IndexState.Empty;
    }

    /// <summary>The database file, or null in memory-only mode.</summary>
    public string? DatabasePath => _store?.DatabasePath;

    /// <summary>The fields filters may name.</summary>
    public ProductSchema Schema => _schema;

    /// <summary>
    /// An index that keeps nothing on disk (for benchmarks and tests): same search, filters and
    /// generations, nothing survives disposal.
    /// </summary>
    public static EmbeddedProductIndex CreateInMemory(IEnumerable<string>? filterableAttributes = null, ILogger? logger = null, LexicalOptions? lexical = null)
    {
        var attributes = filterableAttributes?.ToList() ?? [];
        return new EmbeddedProductIndex(attributes, lexical ?? new LexicalOptions(), logger);
    }

    public Task<IReadOnlyList<IndexGeneration>> ListGenerationsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var state = _state;
        IReadOnlyList<IndexGeneration> list = state.Generations.Values
            .OrderBy(g => g.CreatedAt)
            .ThenBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => g.Describe(ReferenceEquals(g, state.Live)))
            .ToList();
        return Task.FromResult(list);
    }

    public Task<IndexGeneration?> GetLiveGenerationAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Task.FromResult(_state.Live?.Describe(isLive: true));
    }

    public async Task<IndexGeneration> CreateGenerationAsync(IndexModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.Name, nameof(model));
        if (model.Dimensions is < 1 or > MaxDimensions)
        {
            throw new ArgumentException($"A generation needs 1 to {MaxDimensions} dimensions, not {model.Dimensions}.", nameof(model));
        }

        ThrowIfDisposed();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var name = string.Create(CultureInfo.InvariantCulture, $"gen-{createdAt:yyyyMMdd-HHmmss-fff}-{Guid.NewGuid().ToString("N")[..8]}");
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var key = _store is null ? 0 : await _store.InsertGenerationAsync(name, model, createdAt, _lexical, cancellationToken);
            var generation = new MemoryGeneration(key, name, model, createdAt, _filterableAttributes, new LexicalEncoder(_lexical));
            var state = _state;
            _state = state with { Generations = new Dictionary<string, MemoryGeneration>(state.Generations, StringComparer.Ordinal) { [name] = generation } };
            Log.GenerationCreated(_logger, name, model.Name, model.Dimensions);
            return generation.Describe(isLive: false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task ActivateGenerationAsync(string generation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(generation);
        ThrowIfDisposed();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var state = _state;
            var target = Find(state, generation);
            if (_store is not null)
            {
                await _store.SetLiveAsync(target.Key, cancellationToken);
            }

            _state = state with { Live = target };
            Log.GenerationActivated(_logger, target.Name, target.ApproximateCount, state.Live?.Name ?? "none");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task DropGenerationAsync(string generation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(generation);
        ThrowIfDisposed();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var state = _state;
            var target = Find(state, generation);
            if (ReferenceEquals(target, state.Live))
            {
                throw new InvalidOperationException($"Generation '{generation}' is live; make another generation live before dropping it.");
            }

            if (_store is not null)
            {
                await _store.DeleteGenerationAsync(target.Key, cancellationToken);
            }

            var generations = new Dictionary<string, MemoryGeneration>(state.Generations, StringComparer.Ordinal);
            generations.Remove(generation);
            _state = state with { Generations = generations };
            target.MarkDropped();
            Log.GenerationDropped(_logger, generation, target.ApproximateCount);

            // Searches that still hold the generation fail with GenerationNotFoundException; its lock is
            // left to the garbage collector rather than disposed under a waiting reader.
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task UpsertAsync(string? generation, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ThrowIfDisposed();
        var target = Resolve(generation);
        var prepared = new PreparedRecord[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            prepared[i] = Prepare(records[i], target, i, nameof(records));
        }

        if (prepared.Length == 0)
        {
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            EnsureStillPresent(target);
            if (_store is not null)
            {
                await _store.UpsertAsync(target.Key, prepared, cancellationToken);
            }

            // Committed: from here on the batch is applied whatever happens to the caller's token.
            target.Apply(prepared);
        }
        finally
        {
            _writeGate.Release();
        }

        Log.Upserted(_logger, prepared.Length, target.Name, stopwatch.Elapsed.TotalMilliseconds);
    }

    public async Task DeleteAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        ThrowIfDisposed();
        foreach (var id in productIds)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(productIds));
        }

        var target = Resolve(generation);
        if (productIds.Count == 0)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            EnsureStillPresent(target);
            if (_store is not null)
            {
                await _store.DeleteAsync(target.Key, productIds, cancellationToken);
            }

            target.Delete(productIds);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<IndexRecord?> GetAsync(string? generation, string productId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productId);
        ThrowIfDisposed();
        return Task.FromResult(Resolve(generation).Get(productId));
    }

    public Task<IReadOnlyDictionary<string, string>> GetContentHashesAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        ThrowIfDisposed();
        IReadOnlyDictionary<string, string> hashes = Resolve(generation).GetContentHashes(productIds);
        return Task.FromResult(hashes);
    }

    public Task<SearchResult> SearchAsync(string? generation, ProductQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.ThrowIfIncomplete();
        ValidatePaging(query.Limit, query.Offset);
        if (query.ScoreThreshold is float threshold && float.IsNaN(threshold))
        {
            throw new ArgumentException("The score threshold is not a number.", nameof(query));
        }

        _schema.Validate(query.Filter);
        ThrowIfDisposed();
        var target = Resolve(generation);
        return Task.FromResult(new SearchResult(query switch
        {
            { Recommend: { } recommend } => target.Recommend(recommend, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken),
            { SimilarTo: { } productId } => target.Similar(productId, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken),
            _ => Search(target, query, cancellationToken),
        }));
    }

    private static List<SearchHit> Search(MemoryGeneration target, ProductQuery query, CancellationToken cancellationToken)
    {
        if (query.Mode == SearchMode.Lexical)
        {
            var terms = target.LexicalEncoder.EncodeQuery(query.Text!);
            return target.SearchText(SearchMode.Lexical, default, terms, query.Fusion, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken);
        }

        var vector = query.Vector!;
        if (vector.Length != target.Model.Dimensions)
        {
            throw new ArgumentException($"The query vector has {vector.Length} dimensions; generation '{target.Name}' expects {target.Model.Dimensions} (model {target.Model.Name}).", nameof(query));
        }

        var normalised = Normalise(vector, "The query vector", nameof(query));
        return query.Mode == SearchMode.Hybrid
            ? target.SearchText(SearchMode.Hybrid, normalised, target.LexicalEncoder.EncodeQuery(query.Text!), query.Fusion, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken)
            : target.Search(normalised, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken);
    }

    public async IAsyncEnumerable<IndexRecord> ScanAsync(string? generation, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var target = Resolve(generation);
        foreach (var page in target.ProductIds().Chunk(ScanPageSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var id in page)
            {
                if (target.Get(id) is { } record)
                {
                    yield return record;
                }
            }

            await Task.Yield();
        }
    }

    /// <summary>
    /// Every product's nearest others by exact blocked dot products over a snapshot of the
    /// generation's vectors (taken under the read lock, scored without it, on every core); the
    /// scores are those a similar-to search gives.
    /// </summary>
    public async IAsyncEnumerable<ProductNeighbours> NeighboursAsync(string? generation, NeighbourRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ThrowIfInvalid();
        ThrowIfDisposed();
        var snapshot = Resolve(generation).SnapshotForNeighbours();
        using var waves = snapshot.Waves(request, cancellationToken).GetEnumerator();
        while (await Task.Run(waves.MoveNext, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in waves.Current)
            {
                yield return item;
            }
        }
    }

    public Task<long> CountAsync(string? generation, ProductFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _schema.Validate(filter);
        ThrowIfDisposed();
        return Task.FromResult(Resolve(generation).Count(filter));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _store?.Dispose();
        foreach (var generation in _state.Generations.Values)
        {
            generation.Dispose();
        }

        _writeGate.Dispose();
    }

    private static IndexState Load(SqliteIndexStore store, IReadOnlyList<string> filterableAttributes, LexicalOptions lexical)
    {
        var liveKey = store.LoadLiveKey();
        var generations = new Dictionary<string, MemoryGeneration>(StringComparer.Ordinal);
        MemoryGeneration? live = null;
        foreach (var stored in store.LoadGenerations())
        {
            // Generations from before lexical search recorded no settings: they take the current ones.
            var encoder = new LexicalEncoder(stored.Lexical ?? lexical);
            var generation = new MemoryGeneration(stored.Key, stored.Name, stored.Model, stored.CreatedAt, filterableAttributes, encoder, (int)Math.Min(stored.Records, int.MaxValue));
            store.LoadRecords(generation);
            generations[stored.Name] = generation;
            if (stored.Key == liveKey)
            {
                live = generation;
            }
        }

        return new IndexState(generations, live);
    }

    private static PreparedRecord Prepare(IndexRecord record, MemoryGeneration target, int index, string parameter)
    {
        if (record?.Product is null)
        {
            throw new ArgumentException($"Record {index} has no product.", parameter);
        }

        var id = record.Product.Id;
        if (string.IsNullOrEmpty(id) || id.Length > MaxProductIdLength)
        {
            throw new ArgumentException($"Record {index}: a product id has 1 to {MaxProductIdLength} characters, not {id?.Length ?? 0}.", parameter);
        }

        if (record.ContentHash is null)
        {
            throw new ArgumentException($"Product '{id}' has no content hash.", parameter);
        }

        if (record.Vector is null || record.Vector.Length != target.Model.Dimensions)
        {
            throw new ArgumentException($"The vector of product '{id}' has {record.Vector?.Length ?? 0} dimensions; generation '{target.Name}' expects {target.Model.Dimensions} (model {target.Model.Name}).", parameter);
        }

        return new PreparedRecord(record.Product, Normalise(record.Vector, $"The vector of product '{id}'", parameter), record.ContentHash, target.LexicalEncoder.EncodeDocument(record.Product));
    }

    /// <summary>A unit-length copy, so that cosine similarity is a dot product.</summary>
    private static float[] Normalise(float[] vector, string what, string parameter)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (!float.IsFinite(norm) || norm == 0)
        {
            throw new ArgumentException($"{what} has no direction (norm {norm}); cosine similarity needs a non-zero, finite vector.", parameter);
        }

        var normalised = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, normalised);
        return normalised;
    }

    private static void ValidatePaging(int limit, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
    }

    private static MemoryGeneration Find(IndexState state, string name) =>
        state.Generations.TryGetValue(name, out var generation)
            ? generation
            : throw new GenerationNotFoundException($"Generation '{name}' does not exist.");

    private MemoryGeneration Resolve(string? name)
    {
        var state = _state;
        return name is null
            ? state.Live ?? throw new GenerationNotFoundException("No generation is live yet: create one, fill it and activate it.")
            : Find(state, name);
    }

    private void EnsureStillPresent(MemoryGeneration target)
    {
        if (!ReferenceEquals(_state.Generations.GetValueOrDefault(target.Name), target))
        {
            throw new GenerationNotFoundException($"Generation '{target.Name}' was dropped.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>The generations and the live pointer, replaced as a whole so readers see one consistent pair.</summary>
    private sealed record IndexState(IReadOnlyDictionary<string, MemoryGeneration> Generations, MemoryGeneration? Live)
    {
        public static IndexState Empty { get; } = new(new Dictionary<string, MemoryGeneration>(StringComparer.Ordinal), null);
    }
}
