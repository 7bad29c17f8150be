using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace VectorIndexer.Worker.Storage;

/// <summary>
/// Pending batches in a SQLite file (WAL, synchronous commits). SQLite has one writer at a time,
/// so sequences grow in commit order by construction; the apply lock is a semaphore per file in
/// this process (a SQLite-backed worker is one process).
/// </summary>
internal sealed class SqlitePendingBatchBackend : IPendingBatchBackend
{
    private const string Columns = "seq, id, kind, payload, created_at, applied_at, applied_generation, parked_at, park_reason, retry_of";
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> ApplyLocks = new(StringComparer.Ordinal);
    private readonly SqliteFile _file;

    public SqlitePendingBatchBackend(string path)
    {
        _file = new SqliteFile(path);
        using var connection = _file.Open();
        SqliteFile.Execute(connection, """
            CREATE TABLE IF NOT EXISTS batches (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                applied_at TEXT NULL,
                applied_generation TEXT NULL,
                parked_at TEXT NULL,
                park_reason TEXT NULL,
                retry_of INTEGER NULL);
            """);

        // Files written before these columns existed.
        SqliteFile.AddColumnIfMissing(connection, "batches", "applied_generation", "TEXT NULL");
        SqliteFile.AddColumnIfMissing(connection, "batches", "parked_at", "TEXT NULL");
        SqliteFile.AddColumnIfMissing(connection, "batches", "park_reason", "TEXT NULL");
        SqliteFile.AddColumnIfMissing(connection, "batches", "retry_of", "INTEGER NULL");
    }

    public string Location => _file.Path;

    public async Task<long> InsertAsync(string id, PendingBatchKind kind, string payload, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO batches (id, kind, payload, created_at) VALUES ($id, $kind, $payload, $created) RETURNING seq";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$kind", kind.ToString());
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$created", Format(createdAt));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<PendingBatchRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM batches WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public Task<IReadOnlyList<PendingBatchRow>> ListAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        ListAsync($"SELECT {Columns} FROM batches WHERE seq > $seq ORDER BY seq LIMIT $limit", afterSequence, limit, cancellationToken);

    public Task<IReadOnlyList<PendingBatchRow>> ListUnappliedThroughAsync(long throughSequence, int limit, CancellationToken cancellationToken) =>
        ListAsync($"SELECT {Columns} FROM batches WHERE seq <= $seq AND applied_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT $limit", throughSequence, limit, cancellationToken);

    public Task<long> GetLastSequenceAsync(CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM batches", cancellationToken);

    public Task<long> GetReplayStartAsync(CancellationToken cancellationToken) =>
        ScalarAsync("SELECT COALESCE((SELECT MIN(seq) - 1 FROM batches WHERE applied_at IS NULL AND parked_at IS NULL), (SELECT MAX(seq) FROM batches), 0)", cancellationToken);

    public async Task MarkAppliedAsync(string id, string generation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE batches SET applied_at = $now, applied_generation = $generation, parked_at = NULL, park_reason = NULL WHERE id = $id AND applied_at IS NULL";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$generation", generation);
        command.Parameters.AddWithValue("$now", Format(now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> PurgeAppliedAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM batches WHERE applied_at IS NOT NULL AND created_at < $before";
        command.Parameters.AddWithValue("$before", Format(createdBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> ParkAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE batches SET parked_at = COALESCE(parked_at, $now), park_reason = COALESCE(park_reason, $reason) WHERE id = $id AND applied_at IS NULL";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$now", Format(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public Task<IReadOnlyList<PendingBatchRow>> ListParkedAsync(int limit, CancellationToken cancellationToken) =>
        ListAsync($"SELECT {Columns} FROM batches WHERE parked_at IS NOT NULL AND seq > $seq ORDER BY seq LIMIT $limit", 0, limit, cancellationToken);

    public async Task<PendingBatchRow?> RequeueParkedAsync(string id, string newId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var transaction = connection.BeginTransaction();
        PendingBatchRow? parked;
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = $"SELECT {Columns} FROM batches WHERE id = $id AND parked_at IS NOT NULL AND applied_at IS NULL";
            select.Parameters.AddWithValue("$id", id);
            using var reader = await select.ExecuteReaderAsync(cancellationToken);
            parked = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        if (parked is null)
        {
            return null;
        }

        var origin = parked.RetryOf ?? parked.Sequence;
        long sequence;
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO batches (id, kind, payload, created_at, retry_of) VALUES ($id, $kind, $payload, $created, $origin) RETURNING seq";
            insert.Parameters.AddWithValue("$id", newId);
            insert.Parameters.AddWithValue("$kind", parked.Kind.ToString());
            insert.Parameters.AddWithValue("$payload", parked.Payload);
            insert.Parameters.AddWithValue("$created", Format(now));
            insert.Parameters.AddWithValue("$origin", origin);
            sequence = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM batches WHERE id = $id";
            delete.Parameters.AddWithValue("$id", id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new PendingBatchRow(sequence, newId, parked.Kind, parked.Payload, now, null) { RetryOf = origin };
    }

    public async Task<bool> DeleteParkedAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM batches WHERE id = $id AND parked_at IS NOT NULL AND applied_at IS NULL";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IAsyncDisposable> AcquireApplyLockAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var gate = ApplyLocks.GetOrAdd(_file.Path, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(timeout, cancellationToken))
        {
            throw new TimeoutException($"The pending-batch apply lock of {_file.Path} was not free within {timeout}.");
        }

        return new Release(gate);
    }

    /// <summary>ISO 8601 in UTC with a fixed width, so text order is time order.</summary>
    private static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static PendingBatchRow Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        Enum.Parse<PendingBatchKind>(reader.GetString(2)),
        reader.GetString(3),
        Parse(reader.GetString(4)),
        reader.IsDBNull(5) ? null : Parse(reader.GetString(5)))
    {
        AppliedGeneration = reader.IsDBNull(6) ? null : reader.GetString(6),
        ParkedAt = reader.IsDBNull(7) ? null : Parse(reader.GetString(7)),
        ParkReason = reader.IsDBNull(8) ? null : reader.GetString(8),
        RetryOf = reader.IsDBNull(9) ? null : reader.GetInt64(9),
    };

    private async Task<IReadOnlyList<PendingBatchRow>> ListAsync(string sql, long sequence, int limit, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed statements of this class; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<PendingBatchRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed statements of this class.
        command.CommandText = sql;
#pragma warning restore CA2100
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private sealed class Release(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Job statuses in a SQLite file (WAL, synchronous commits).</summary>
internal sealed class SqliteJobStatusBackend : IJobStatusBackend
{
    private const string Columns = "job_id, kind, state, processed, total, accepted, rejected, rate, eta_ms, message, bad_records, generation, feed_location, batch_id, change_seq, created_at, updated_at, finished_at, feed_version";
    private readonly SqliteFile _file;

    public SqliteJobStatusBackend(string path)
    {
        _file = new SqliteFile(path);
        using var connection = _file.Open();
        SqliteFile.Execute(connection, """
            CREATE TABLE IF NOT EXISTS jobs (
                job_id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                processed INTEGER NOT NULL,
                total INTEGER NULL,
                accepted INTEGER NOT NULL,
                rejected INTEGER NOT NULL,
                rate REAL NOT NULL,
                eta_ms INTEGER NULL,
                message TEXT NULL,
                bad_records TEXT NOT NULL,
                generation TEXT NULL,
                feed_location TEXT NULL,
                batch_id TEXT NULL,
                change_seq INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                finished_at TEXT NULL,
                feed_version TEXT NULL);
            CREATE INDEX IF NOT EXISTS jobs_kind_state ON jobs (kind, state);
            """);

        // Files written before the column existed.
        SqliteFile.AddColumnIfMissing(connection, "jobs", "feed_version", "TEXT NULL");
    }

    public string Location => _file.Path;

    public async Task<JobStatus?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM jobs WHERE job_id = $id";
        command.Parameters.AddWithValue("$id", jobId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<JobStatus?> GetLastSucceededAsync(JobKind kind, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM jobs WHERE kind = $kind AND state = 'Succeeded' ORDER BY finished_at DESC, job_id DESC LIMIT 1";
        command.Parameters.AddWithValue("$kind", kind.ToString());
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<JobStatus>> ListUnfinishedAsync(JobKind kind, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM jobs WHERE kind = $kind AND state NOT IN ('Succeeded', 'Failed', 'Cancelled', 'Parked') ORDER BY created_at, job_id";
        command.Parameters.AddWithValue("$kind", kind.ToString());
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<JobStatus>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    public async Task<bool> WriteAsync(JobStatus status, bool replace, CancellationToken cancellationToken)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = (replace ? "INSERT OR REPLACE" : "INSERT OR IGNORE") + $" INTO jobs ({Columns}) VALUES ($job_id, $kind, $state, $processed, $total, $accepted, $rejected, $rate, $eta_ms, $message, $bad_records, $generation, $feed_location, $batch_id, $change_seq, $created_at, $updated_at, $finished_at, $feed_version)";
        var p = command.Parameters;
        p.AddWithValue("$job_id", status.JobId);
        p.AddWithValue("$kind", status.Kind.ToString());
        p.AddWithValue("$state", status.State.ToString());
        p.AddWithValue("$processed", status.Processed);
        p.AddWithValue("$total", (object?)status.Total ?? DBNull.Value);
        p.AddWithValue("$accepted", status.Accepted);
        p.AddWithValue("$rejected", status.Rejected);
        p.AddWithValue("$rate", status.RatePerSecond);
        p.AddWithValue("$eta_ms", status.Eta is { } eta ? (long)eta.TotalMilliseconds : DBNull.Value);
        p.AddWithValue("$message", (object?)status.Message ?? DBNull.Value);
        p.AddWithValue("$bad_records", JobStatusJson.Write(status.BadRecords));
        p.AddWithValue("$generation", (object?)status.Generation ?? DBNull.Value);
        p.AddWithValue("$feed_location", (object?)status.FeedLocation ?? DBNull.Value);
        p.AddWithValue("$batch_id", (object?)status.BatchId ?? DBNull.Value);
        p.AddWithValue("$change_seq", status.ChangeSequence);
        p.AddWithValue("$created_at", Format(status.CreatedAt));
        p.AddWithValue("$updated_at", Format(status.UpdatedAt));
        p.AddWithValue("$finished_at", status.FinishedAt is { } f ? Format(f) : DBNull.Value);
        p.AddWithValue("$feed_version", (object?)status.FeedVersion ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static JobStatus Read(SqliteDataReader r) => JobStatusRow.Read(r, static (reader, ordinal) => Parse(reader.GetString(ordinal)));
}

/// <summary>The JSON both backends store the bad-record report as.</summary>
internal static class JobStatusJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Write(IReadOnlyList<RejectedRecord> records) => JsonSerializer.Serialize(records, Json);

    public static IReadOnlyList<RejectedRecord> ReadBadRecords(string json) => JsonSerializer.Deserialize<List<RejectedRecord>>(json, Json) ?? [];
}
