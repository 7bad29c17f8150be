using System.Text.Json;
using Microsoft.Data.Sqlite;
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
public sealed record PendingBatch(string Id, long Sequence, PendingBatchKind Kind, IReadOnlyList<Product> Products, IReadOnlyList<string> ProductIds, DateTimeOffset CreatedAt, DateTimeOffset? AppliedAt);

/// <summary>
/// Durable log of pushed upserts and deletes (SQLite, WAL, synchronous commits). A batch is stored
/// here before the API acknowledges it and before its job is enqueued, so neither a crash nor a lost
/// job loses it; its sequence orders the replay into a generation being rebuilt.
/// </summary>
public sealed class PendingBatchStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SqliteFile _file;
    private readonly TimeProvider _time;

    public PendingBatchStore(string path, TimeProvider? timeProvider = null)
    {
        _file = new SqliteFile(path);
        _time = timeProvider ?? TimeProvider.System;
        using var connection = _file.Open();
        SqliteFile.Execute(connection, """
            CREATE TABLE IF NOT EXISTS batches (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                applied_at TEXT NULL);
            """);
    }

    /// <summary>The database file.</summary>
    public string Path => _file.Path;

    /// <summary>Stores a batch of products to upsert; returns once it is on disk.</summary>
    public Task<PendingBatch> AddUpsertAsync(IReadOnlyList<Product> products, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(products);
        if (products.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one product.", nameof(products));
        }

        return AddAsync(PendingBatchKind.Upsert, JsonSerializer.Serialize(products, Json), cancellationToken);
    }

    /// <summary>Stores a batch of product ids to delete; returns once it is on disk.</summary>
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
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, kind, payload, created_at, applied_at FROM batches WHERE id = $id";
        command.Parameters.AddWithValue("$id", batchId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Batches stored after <paramref name="afterSequence"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PendingBatch>> ListAfterAsync(long afterSequence, int limit = 1000, CancellationToken cancellationToken = default)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, kind, payload, created_at, applied_at FROM batches WHERE seq > $after ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<PendingBatch>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>The sequence of the newest batch, 0 when there is none.</summary>
    public async Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM batches";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Where a rebuild starting now begins its replay: just before the oldest batch not yet applied
    /// (no generation was live, or its job has not run), else after the newest batch.
    /// </summary>
    public async Task<long> GetReplayStartAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE((SELECT MIN(seq) - 1 FROM batches WHERE applied_at IS NULL), (SELECT MAX(seq) FROM batches), 0)";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Records that the batch reached the live generation.</summary>
    public async Task MarkAppliedAsync(string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE batches SET applied_at = COALESCE(applied_at, $now) WHERE id = $id";
        command.Parameters.AddWithValue("$id", batchId);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes applied batches older than <paramref name="olderThan"/> (a rebuild still running may need the newer ones).</summary>
    public async Task<int> PurgeAppliedAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM batches WHERE applied_at IS NOT NULL AND created_at < $before";
        command.Parameters.AddWithValue("$before", olderThan.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<PendingBatch> AddAsync(PendingBatchKind kind, string payload, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var now = _time.GetUtcNow();
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO batches (id, kind, payload, created_at) VALUES ($id, $kind, $payload, $created) RETURNING seq";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$kind", kind.ToString());
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$created", now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var seq = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return Create(seq, id, kind, payload, now, null);
    }

    private static PendingBatch Read(SqliteDataReader reader) => Create(
        reader.GetInt64(0),
        reader.GetString(1),
        Enum.Parse<PendingBatchKind>(reader.GetString(2)),
        reader.GetString(3),
        DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture),
        reader.IsDBNull(5) ? null : DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture));

    private static PendingBatch Create(long seq, string id, PendingBatchKind kind, string payload, DateTimeOffset created, DateTimeOffset? applied)
    {
        if (kind == PendingBatchKind.Upsert)
        {
            var products = JsonSerializer.Deserialize<List<Product>>(payload, Json) ?? [];
            return new PendingBatch(id, seq, kind, products, products.ConvertAll(p => p.Id), created, applied);
        }

        var ids = JsonSerializer.Deserialize<List<string>>(payload, Json) ?? [];
        return new PendingBatch(id, seq, kind, [], ids, created, applied);
    }
}
