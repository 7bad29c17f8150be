using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace VectorIndexer.Worker.Storage;

/// <summary>
/// Pending batches in PostgreSQL, shared by every process on the database.
/// <list type="bullet">
/// <item>Inserts take a transaction-level advisory lock before drawing the sequence and hold it to
/// the commit: a PostgreSQL sequence alone hands out numbers in call order but transactions commit
/// in any order, and a reader that saw batch 12 before batch 11 committed would skip 11 for good
/// (the replay into a rebuild pages by sequence).</item>
/// <item>The apply lock is a session-level advisory lock on a connection of its own, closed after
/// use, so a worker that dies releases it with its connection.</item>
/// </list>
/// </summary>
internal sealed class PostgreSqlPendingBatchBackend : IPendingBatchBackend
{
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(100);
    private readonly PostgreSqlWorkerDatabase _database;
    private readonly string _table;
    private readonly string _columns = "seq, id, kind, payload, created_at, applied_at, applied_generation, parked_at, park_reason, retry_of";

    public PostgreSqlPendingBatchBackend(PostgreSqlWorkerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _table = database.Table("pending_batches");
    }

    public string Location => $"PostgreSQL {_table}";

    public async Task<long> InsertAsync(string id, PendingBatchKind kind, string payload, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))");
        lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.LockKey("batches-insert") });
#pragma warning disable CA2100 // The table name is built from a validated identifier; values are parameters.
        var insert = new NpgsqlBatchCommand($"INSERT INTO {_table} (id, kind, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING seq");
#pragma warning restore CA2100
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind.ToString() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
        insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = createdAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(lockCommand);
        batch.BatchCommands.Add(insert);
        long sequence;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            sequence = reader.GetInt64(0);
        }

        await transaction.CommitAsync(cancellationToken);
        return sequence;
    }

    public async Task<PendingBatchRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var rows = await ListAsync($"SELECT {_columns} FROM {_table} WHERE id = $1", cancellationToken, new NpgsqlParameter<string> { TypedValue = id });
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<PendingBatchRow>> ListAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        ListAsync(
            $"SELECT {_columns} FROM {_table} WHERE seq > $1 ORDER BY seq LIMIT $2",
            cancellationToken,
            new NpgsqlParameter<long> { TypedValue = afterSequence },
            new NpgsqlParameter<int> { TypedValue = limit });

    public Task<IReadOnlyList<PendingBatchRow>> ListUnappliedThroughAsync(long throughSequence, int limit, CancellationToken cancellationToken) =>
        ListAsync(
            $"SELECT {_columns} FROM {_table} WHERE seq <= $1 AND applied_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT $2",
            cancellationToken,
            new NpgsqlParameter<long> { TypedValue = throughSequence },
            new NpgsqlParameter<int> { TypedValue = limit });

    public Task<long> GetLastSequenceAsync(CancellationToken cancellationToken) =>
        ScalarAsync($"SELECT COALESCE(MAX(seq), 0) FROM {_table}", cancellationToken);

    public Task<long> GetReplayStartAsync(CancellationToken cancellationToken) =>
        ScalarAsync($"SELECT COALESCE((SELECT MIN(seq) - 1 FROM {_table} WHERE applied_at IS NULL AND parked_at IS NULL), (SELECT MAX(seq) FROM {_table}), 0)", cancellationToken);

    public Task MarkAppliedAsync(string id, string generation, DateTimeOffset now, CancellationToken cancellationToken) =>
        NonQueryAsync(
            $"UPDATE {_table} SET applied_at = $2, applied_generation = $3, parked_at = NULL, park_reason = NULL WHERE id = $1 AND applied_at IS NULL",
            cancellationToken,
            new NpgsqlParameter<string> { TypedValue = id },
            new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new NpgsqlParameter<string> { TypedValue = generation });

    public Task<int> PurgeAppliedAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) =>
        NonQueryAsync(
            $"DELETE FROM {_table} WHERE applied_at IS NOT NULL AND created_at < $1",
            cancellationToken,
            new NpgsqlParameter<DateTime> { TypedValue = createdBefore.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });

    public async Task<bool> ParkAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        await NonQueryAsync(
            $"UPDATE {_table} SET parked_at = COALESCE(parked_at, $2), park_reason = COALESCE(park_reason, $3) WHERE id = $1 AND applied_at IS NULL",
            cancellationToken,
            new NpgsqlParameter<string> { TypedValue = id },
            new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new NpgsqlParameter<string> { TypedValue = reason }) > 0;

    public Task<IReadOnlyList<PendingBatchRow>> ListParkedAsync(int limit, CancellationToken cancellationToken) =>
        ListAsync(
            $"SELECT {_columns} FROM {_table} WHERE parked_at IS NOT NULL ORDER BY seq LIMIT $1",
            cancellationToken,
            new NpgsqlParameter<int> { TypedValue = limit });

    public async Task<PendingBatchRow?> RequeueParkedAsync(string id, string newId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The insert lock first, as every insert takes it: sequences keep growing in commit order.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.LockKey("batches-insert") });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        PendingBatchRow? parked = null;
#pragma warning disable CA2100 // The table name is built from a validated identifier; values are parameters.
        await using (var select = new NpgsqlCommand($"SELECT {_columns} FROM {_table} WHERE id = $1 AND parked_at IS NOT NULL AND applied_at IS NULL FOR UPDATE", connection, transaction))
#pragma warning restore CA2100
        {
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                parked = Read(reader);
            }
        }

        if (parked is null)
        {
            return null;
        }

        var origin = parked.RetryOf ?? parked.Sequence;
        long sequence;
#pragma warning disable CA2100 // The table name is built from a validated identifier; values are parameters.
        await using (var insert = new NpgsqlCommand($"INSERT INTO {_table} (id, kind, payload, created_at, retry_of) VALUES ($1, $2, $3, $4, $5) RETURNING seq", connection, transaction))
#pragma warning restore CA2100
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = newId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parked.Kind.ToString() });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parked.Payload });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = origin });
            sequence = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

#pragma warning disable CA2100 // The table name is built from a validated identifier; values are parameters.
        await using (var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE id = $1", connection, transaction))
#pragma warning restore CA2100
        {
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new PendingBatchRow(sequence, newId, parked.Kind, parked.Payload, now, null) { RetryOf = origin };
    }

    public async Task<bool> DeleteParkedAsync(string id, CancellationToken cancellationToken) =>
        await NonQueryAsync(
            $"DELETE FROM {_table} WHERE id = $1 AND parked_at IS NOT NULL AND applied_at IS NULL",
            cancellationToken,
            new NpgsqlParameter<string> { TypedValue = id }) > 0;

    public async Task<IAsyncDisposable> AcquireApplyLockAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenUnpooledAsync(cancellationToken);
        try
        {
            var waited = Stopwatch.StartNew();
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.LockKey("batches-apply") });
            while (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                if (waited.Elapsed >= timeout)
                {
                    throw new TimeoutException($"The pending-batch apply lock of {_table} was not free within {timeout}.");
                }

                await Task.Delay(LockPoll, cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static PendingBatchRow Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        Enum.Parse<PendingBatchKind>(reader.GetString(2)),
        reader.GetString(3),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(4)),
        reader.IsDBNull(5) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(5)))
    {
        AppliedGeneration = reader.IsDBNull(6) ? null : reader.GetString(6),
        ParkedAt = reader.IsDBNull(7) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(7)),
        ParkReason = reader.IsDBNull(8) ? null : reader.GetString(8),
        RetryOf = reader.IsDBNull(9) ? null : reader.GetInt64(9),
    };

    private async Task<IReadOnlyList<PendingBatchRow>> ListAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
#pragma warning disable CA2100 // Statements of this class; the table name is a validated identifier, values are parameters.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<PendingBatchRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
#pragma warning disable CA2100 // Statements of this class; the table name is a validated identifier.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<int> NonQueryAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
#pragma warning disable CA2100 // Statements of this class; the table name is a validated identifier, values are parameters.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Job statuses in PostgreSQL, shared by every process on the database.</summary>
internal sealed class PostgreSqlJobStatusBackend : IJobStatusBackend
{
    private const string Columns = "job_id, kind, state, processed, total, accepted, rejected, rate, eta_ms, message, bad_records, generation, feed_location, batch_id, change_seq, created_at, updated_at, finished_at, feed_version";
    private readonly PostgreSqlWorkerDatabase _database;
    private readonly string _table;

    public PostgreSqlJobStatusBackend(PostgreSqlWorkerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _table = database.Table("job_statuses");
    }

    public string Location => $"PostgreSQL {_table}";

    public async Task<JobStatus?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var rows = await ListAsync($"SELECT {Columns} FROM {_table} WHERE job_id = $1", jobId, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<JobStatus?> GetLastSucceededAsync(JobKind kind, CancellationToken cancellationToken)
    {
        var rows = await ListAsync($"SELECT {Columns} FROM {_table} WHERE kind = $1 AND state = 'Succeeded' ORDER BY finished_at DESC, job_id DESC LIMIT 1", kind.ToString(), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<JobStatus>> ListUnfinishedAsync(JobKind kind, CancellationToken cancellationToken) =>
        ListAsync($"SELECT {Columns} FROM {_table} WHERE kind = $1 AND state NOT IN ('Succeeded', 'Failed', 'Cancelled', 'Parked') ORDER BY created_at, job_id", kind.ToString(), cancellationToken);

    public async Task<bool> WriteAsync(JobStatus status, bool replace, CancellationToken cancellationToken)
    {
        var conflict = replace
            ? "ON CONFLICT (job_id) DO UPDATE SET kind = EXCLUDED.kind, state = EXCLUDED.state, processed = EXCLUDED.processed, total = EXCLUDED.total, accepted = EXCLUDED.accepted, rejected = EXCLUDED.rejected, rate = EXCLUDED.rate, eta_ms = EXCLUDED.eta_ms, message = EXCLUDED.message, bad_records = EXCLUDED.bad_records, generation = EXCLUDED.generation, feed_location = EXCLUDED.feed_location, batch_id = EXCLUDED.batch_id, change_seq = EXCLUDED.change_seq, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, finished_at = EXCLUDED.finished_at, feed_version = EXCLUDED.feed_version"
            : "ON CONFLICT (job_id) DO NOTHING";
        await using var connection = await _database.OpenAsync(cancellationToken);
#pragma warning disable CA2100 // Statements of this class; the table name is a validated identifier, values are parameters.
        await using var command = new NpgsqlCommand($"INSERT INTO {_table} ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) {conflict}", connection);
#pragma warning restore CA2100
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = status.JobId });
        p.Add(new NpgsqlParameter<string> { TypedValue = status.Kind.ToString() });
        p.Add(new NpgsqlParameter<string> { TypedValue = status.State.ToString() });
        p.Add(new NpgsqlParameter<long> { TypedValue = status.Processed });
        p.Add(new NpgsqlParameter { Value = (object?)status.Total ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter<long> { TypedValue = status.Accepted });
        p.Add(new NpgsqlParameter<long> { TypedValue = status.Rejected });
        p.Add(new NpgsqlParameter<double> { TypedValue = status.RatePerSecond });
        p.Add(new NpgsqlParameter { Value = status.Eta is { } eta ? (long)eta.TotalMilliseconds : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        p.Add(Text(status.Message));
        p.Add(new NpgsqlParameter<string> { TypedValue = JobStatusJson.Write(status.BadRecords) });
        p.Add(Text(status.Generation));
        p.Add(Text(status.FeedLocation));
        p.Add(Text(status.BatchId));
        p.Add(new NpgsqlParameter<long> { TypedValue = status.ChangeSequence });
        p.Add(Timestamp(status.CreatedAt));
        p.Add(Timestamp(status.UpdatedAt));
        p.Add(Timestamp(status.FinishedAt));
        p.Add(Text(status.FeedVersion));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Timestamp(DateTimeOffset? value) => new() { Value = value is { } v ? v.UtcDateTime : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static JobStatus Read(NpgsqlDataReader r) => JobStatusRow.Read(r, static (reader, ordinal) => new DateTimeOffset(reader.GetFieldValue<DateTime>(ordinal)));

    private async Task<IReadOnlyList<JobStatus>> ListAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
#pragma warning disable CA2100 // Statements of this class; the table name is a validated identifier, values are parameters.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<JobStatus>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }
}
