using System.Text.Json;
using VectorIndexer.Core;

namespace VectorIndexer.Worker.Storage;

/// <summary>What a pushed batch does.</summary>
public enum PendingBatchKind
{
    Upsert,
    Delete,
}

/// <summary>A pushed batch, as stored before it was acknowledged.</summary>
/// <param name="Id">The batch id the job is given.</param>
/// <param name="Sequence">Order of arrival; a rebuild replays every batch after the sequence it started at.</param>
/// <param name="Kind">Upsert or delete.</param>
/// <param name="Products">The products to upsert (empty for a delete).</param>
/// <param name="ProductIds">The ids to delete (the upserted ids for an upsert).</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="AppliedAt">When it reached the live generation; null while pending.</param>
public sealed record PendingBatch(string Id, long Sequence, PendingBatchKind Kind, IReadOnlyList<Product> Products, IReadOnlyList<string> ProductIds, DateTimeOffset CreatedAt, DateTimeOffset? AppliedAt)
{
    /// <summary>
    /// The generation it reached (live then, or live since: a rebuild's replay applies batches to its
    /// new generation before switching to it); null while pending.
    /// </summary>
    public string? AppliedGeneration { get; init; }

    /// <summary>When it was parked: it failed for good and is set aside, later batches go on without it.</summary>
    public DateTimeOffset? ParkedAt { get; init; }

    /// <summary>Why it was parked (the failure, for a person).</summary>
    public string? ParkReason { get; init; }

    /// <summary>
    /// For a parked batch sent again (<see cref="PendingBatchStore.RetryParkedAsync"/>): the sequence of
    /// the original push. Products that batches pushed after that one touch are left out when it is applied.
    /// </summary>
    public long? RetryOf { get; init; }

    /// <summary>Pending, applied or parked.</summary>
    public PendingBatchState State => AppliedAt is not null ? PendingBatchState.Applied : ParkedAt is not null ? PendingBatchState.Parked : PendingBatchState.Pending;
}

/// <summary>Where a pushed batch stands.</summary>
public enum PendingBatchState
{
    /// <summary>Waiting for its job (or for the first generation to go live).</summary>
    Pending,

    /// <summary>In the live generation.</summary>
    Applied,

    /// <summary>Failed for good (after <see cref="WorkerOptions.MaxRetries"/> for transient failures); later batches go on without it.</summary>
    Parked,
}

/// <summary>
/// Durable log of pushed upserts and deletes. A batch is stored here before the API acknowledges it
/// and before its job is enqueued, so neither a crash nor a lost job loses it; its sequence orders
/// the replay into a generation being rebuilt and the order batches reach the live generation in.
/// Kept in a SQLite file (WAL, synchronous commits; one worker process) or, for several processes,
/// in PostgreSQL; both give the same guarantees:
/// <list type="bullet">
/// <item>sequences grow in commit order: a reader never sees a batch before one with a lower sequence;</item>
/// <item>the applied marker is set once and kept (the first time stamp and generation win);</item>
/// <item>a parked batch (failed for good) is skipped by the catch-up and the replay until it is sent again or discarded;</item>
/// <item><see cref="AcquireApplyLockAsync"/> lets one holder at a time apply batches to the live generation.</item>
/// </list>
/// </summary>
public sealed class PendingBatchStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IPendingBatchBackend _backend;
    private readonly TimeProvider _time;

    /// <summary>A store in the SQLite file at <paramref name="path"/> (created when missing).</summary>
    public PendingBatchStore(string path, TimeProvider? timeProvider = null)
        : this(new SqlitePendingBatchBackend(path), timeProvider)
    {
    }

    internal PendingBatchStore(IPendingBatchBackend backend, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Where the batches are kept, for people: a file path or a PostgreSQL table (never a connection string).</summary>
    public string Location => _backend.Location;

    /// <summary>Stores a batch of products to upsert; returns once it is durable.</summary>
    public Task<PendingBatch> AddUpsertAsync(IReadOnlyList<Product> products, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(products);
        if (products.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one product.", nameof(products));
        }

        return AddAsync(PendingBatchKind.Upsert, JsonSerializer.Serialize(products, Json), cancellationToken);
    }

    /// <summary>Stores a batch of product ids to delete; returns once it is durable.</summary>
    public Task<PendingBatch> AddDeleteAsync(IReadOnlyList<string> productIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        if (productIds.Count == 0 || productIds.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A delete batch needs at least one id, none of them empty.", nameof(productIds));
        }

        return AddAsync(PendingBatchKind.Delete, JsonSerializer.Serialize(productIds, Json), cancellationToken);
    }

    /// <summary>The batch, or null when unknown (or purged).</summary>
    public async Task<PendingBatch?> GetAsync(string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        return await _backend.GetAsync(batchId, cancellationToken) is { } row ? Create(row) : null;
    }

    /// <summary>Batches stored after <paramref name="afterSequence"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PendingBatch>> ListAfterAsync(long afterSequence, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return (await _backend.ListAfterAsync(afterSequence, limit, cancellationToken)).Select(Create).ToList();
    }

    /// <summary>Batches not yet applied with a sequence up to <paramref name="throughSequence"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PendingBatch>> ListUnappliedThroughAsync(long throughSequence, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return (await _backend.ListUnappliedThroughAsync(throughSequence, limit, cancellationToken)).Select(Create).ToList();
    }

    /// <summary>The sequence of the newest batch, 0 when there is none.</summary>
    public Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default) =>
        _backend.GetLastSequenceAsync(cancellationToken);

    /// <summary>
    /// Where a rebuild starting now begins its replay: just before the oldest batch not yet applied
    /// (no generation was live, or its job has not run), else after the newest batch.
    /// </summary>
    public Task<long> GetReplayStartAsync(CancellationToken cancellationToken = default) =>
        _backend.GetReplayStartAsync(cancellationToken);

    /// <summary>
    /// Records that the batch reached <paramref name="generation"/>, the live one or the one a rebuild
    /// has just switched to (a second call keeps the first time and generation). Whoever applied it,
    /// its own job or another, the batch's job reads here where it went.
    /// </summary>
    public Task MarkAppliedAsync(string batchId, string generation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        ArgumentException.ThrowIfNullOrWhiteSpace(generation);
        return _backend.MarkAppliedAsync(batchId, generation, StoreTime.Truncate(_time.GetUtcNow()), cancellationToken);
    }

    /// <summary>
    /// Parks a batch that failed for good: it is no longer applied before later batches nor replayed
    /// into a rebuild, until an operator retries (<see cref="RetryParkedAsync"/>) or discards it
    /// (<see cref="DeleteParkedAsync"/>). The first reason is kept. Returns false when the batch is
    /// unknown or already applied.
    /// </summary>
    public Task<bool> ParkAsync(string batchId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return _backend.ParkAsync(batchId, reason, StoreTime.Truncate(_time.GetUtcNow()), cancellationToken);
    }

    /// <summary>Parked batches, oldest first.</summary>
    public async Task<IReadOnlyList<PendingBatch>> ListParkedAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return (await _backend.ListParkedAsync(limit, cancellationToken)).Select(Create).ToList();
    }

    /// <summary>
    /// Sends a parked batch again: in one transaction it is removed and stored anew at the end of the
    /// sequence (a new id), remembering the original push's sequence, so every ordering rule of
    /// ordinary batches holds for it while a later push of the same product still wins (see
    /// <see cref="WithoutSupersededAsync"/>). Null when <paramref name="batchId"/> is not a parked batch.
    /// </summary>
    public async Task<PendingBatch?> RetryParkedAsync(string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        var row = await _backend.RequeueParkedAsync(batchId, Guid.CreateVersion7().ToString("N"), StoreTime.Truncate(_time.GetUtcNow()), cancellationToken);
        return row is null ? null : Create(row);
    }

    /// <summary>Discards a parked batch; false when <paramref name="batchId"/> is not a parked batch.</summary>
    public Task<bool> DeleteParkedAsync(string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        return _backend.DeleteParkedAsync(batchId, cancellationToken);
    }

    /// <summary>
    /// The batch as it may be applied: a batch sent again after parking (<see cref="PendingBatch.RetryOf"/>)
    /// loses the products that a batch pushed after the original one touches (pending or applied, not
    /// parked), so an old version never overwrites a newer one. Other batches are returned as they are.
    /// </summary>
    public async Task<PendingBatch> WithoutSupersededAsync(PendingBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.RetryOf is not { } origin)
        {
            return batch;
        }

        var newer = new HashSet<string>(StringComparer.Ordinal);
        for (var after = origin; after < batch.Sequence;)
        {
            var page = await _backend.ListAfterAsync(after, 500, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var row in page.TakeWhile(r => r.Sequence < batch.Sequence))
            {
                if (row.ParkedAt is null)
                {
                    newer.UnionWith(Create(row).ProductIds);
                }
            }

            after = page[^1].Sequence;
        }

        return newer.Count == 0 || !batch.ProductIds.Any(newer.Contains)
            ? batch
            : batch with
            {
                Products = batch.Products.Where(p => !newer.Contains(p.Id)).ToList(),
                ProductIds = batch.ProductIds.Where(id => !newer.Contains(id)).ToList(),
            };
    }

    /// <summary>Deletes applied batches older than <paramref name="olderThan"/> (a rebuild still running may need the newer ones).</summary>
    public Task<int> PurgeAppliedAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        _backend.PurgeAppliedAsync(olderThan, cancellationToken);

    /// <summary>
    /// Waits until no one else applies batches to the live generation, for at most
    /// <paramref name="timeout"/> (then <see cref="TimeoutException"/>, which the jobs retry); dispose
    /// the result to let the next one in. On PostgreSQL it excludes every process on the database and
    /// is released by the server when its holder dies; on SQLite it excludes this process's holders.
    /// </summary>
    public Task<IAsyncDisposable> AcquireApplyLockAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return _backend.AcquireApplyLockAsync(timeout, cancellationToken);
    }

    private async Task<PendingBatch> AddAsync(PendingBatchKind kind, string payload, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var now = StoreTime.Truncate(_time.GetUtcNow());
        var sequence = await _backend.InsertAsync(id, kind, payload, now, cancellationToken);
        return Create(new PendingBatchRow(sequence, id, kind, payload, now, null));
    }

    private static PendingBatch Create(PendingBatchRow row)
    {
        List<Product> products;
        List<string> ids;
        if (row.Kind == PendingBatchKind.Upsert)
        {
            products = JsonSerializer.Deserialize<List<Product>>(row.Payload, Json) ?? [];
            ids = products.ConvertAll(p => p.Id);
        }
        else
        {
            products = [];
            ids = JsonSerializer.Deserialize<List<string>>(row.Payload, Json) ?? [];
        }

        return new PendingBatch(row.Id, row.Sequence, row.Kind, products, ids, row.CreatedAt, row.AppliedAt)
        {
            AppliedGeneration = row.AppliedGeneration,
            ParkedAt = row.ParkedAt,
            ParkReason = row.ParkReason,
            RetryOf = row.RetryOf,
        };
    }
}
