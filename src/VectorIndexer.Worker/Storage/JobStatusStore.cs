using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace VectorIndexer.Worker.Storage;

/// <summary>Where a job stands.</summary>
public enum JobState
{
    Enqueued,
    Running,

    /// <summary>Stopped by a shutdown; Hangfire runs it again and it resumes.</summary>
    Interrupted,

    /// <summary>Failed transiently; retried after a delay.</summary>
    Retrying,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>What a job is.</summary>
public enum JobKind
{
    FullReindex,
    Upsert,
    Delete,
}

/// <summary>A rejected feed record in a job's report.</summary>
public sealed record RejectedRecord(long LineNumber, string Reason);

/// <summary>
/// The durable status of one job, by Hangfire job id: state, progress, the bad-record report and,
/// for a reindex, the checkpoint it resumes from (generation, feed position, pushed-batch sequence).
/// </summary>
public sealed record JobStatus
{
    public required string JobId { get; init; }

    public required JobKind Kind { get; init; }

    public JobState State { get; init; } = JobState.Enqueued;

    /// <summary>Records handled (indexed or rejected); for a reindex also its feed position.</summary>
    public long Processed { get; init; }

    public long? Total { get; init; }

    /// <summary>Records indexed.</summary>
    public long Accepted { get; init; }

    public long Rejected { get; init; }

    public double RatePerSecond { get; init; }

    public TimeSpan? Eta { get; init; }

    /// <summary>For a person: why it failed, or what it did.</summary>
    public string? Message { get; init; }

    /// <summary>The first rejected records, by line.</summary>
    public IReadOnlyList<RejectedRecord> BadRecords { get; init; } = [];

    /// <summary>The generation a reindex builds.</summary>
    public string? Generation { get; init; }

    /// <summary>A reindex's feed.</summary>
    public string? FeedLocation { get; init; }

    /// <summary>The pushed batch a batch job applies.</summary>
    public string? BatchId { get; init; }

    /// <summary>Pushed batches after this sequence are replayed into the rebuilt generation.</summary>
    public long ChangeSequence { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}

/// <summary>Durable job statuses (SQLite, WAL); what <c>GET /api/jobs/{id}</c> reads.</summary>
public sealed class JobStatusStore
{
    private const string Columns = "job_id, kind, state, processed, total, accepted, rejected, rate, eta_ms, message, bad_records, generation, feed_location, batch_id, change_seq, created_at, updated_at, finished_at";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SqliteFile _file;
    private readonly TimeProvider _time;

    public JobStatusStore(string path, TimeProvider? timeProvider = null)
    {
        _file = new SqliteFile(path);
        _time = timeProvider ?? TimeProvider.System;
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
                finished_at TEXT NULL);
            CREATE INDEX IF NOT EXISTS jobs_kind_state ON jobs (kind, state);
            """);
    }

    public string Path => _file.Path;

    /// <summary>The job's status, or null when unknown.</summary>
    public async Task<JobStatus?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM jobs WHERE job_id = $id";
        command.Parameters.AddWithValue("$id", jobId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Jobs of a kind that have not finished, oldest first.</summary>
    public async Task<IReadOnlyList<JobStatus>> ListUnfinishedAsync(JobKind kind, CancellationToken cancellationToken = default)
    {
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM jobs WHERE kind = $kind AND state NOT IN ('Succeeded', 'Failed', 'Cancelled') ORDER BY created_at";
        command.Parameters.AddWithValue("$kind", kind.ToString());
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<JobStatus>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>Writes the status (insert or replace); stamps <see cref="JobStatus.UpdatedAt"/>.</summary>
    public Task<JobStatus> SaveAsync(JobStatus status, CancellationToken cancellationToken = default) =>
        WriteAsync(status, replace: true, cancellationToken);

    /// <summary>Writes the status only when the job has none yet (the job may already have started); returns whether it did.</summary>
    public async Task<bool> TryCreateAsync(JobStatus status, CancellationToken cancellationToken = default)
    {
        var before = await GetAsync(status.JobId, cancellationToken);
        if (before is not null)
        {
            return false;
        }

        await WriteAsync(status, replace: false, cancellationToken);
        return true;
    }

    private async Task<JobStatus> WriteAsync(JobStatus status, bool replace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var now = _time.GetUtcNow();
        var stamped = status with
        {
            CreatedAt = status.CreatedAt == default ? now : status.CreatedAt,
            UpdatedAt = now,
            FinishedAt = status.IsFinished ? status.FinishedAt ?? now : null,
        };
        using var connection = _file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = (replace ? "INSERT OR REPLACE" : "INSERT OR IGNORE") + $" INTO jobs ({Columns}) VALUES ($job_id, $kind, $state, $processed, $total, $accepted, $rejected, $rate, $eta_ms, $message, $bad_records, $generation, $feed_location, $batch_id, $change_seq, $created_at, $updated_at, $finished_at)";
        var p = command.Parameters;
        p.AddWithValue("$job_id", stamped.JobId);
        p.AddWithValue("$kind", stamped.Kind.ToString());
        p.AddWithValue("$state", stamped.State.ToString());
        p.AddWithValue("$processed", stamped.Processed);
        p.AddWithValue("$total", (object?)stamped.Total ?? DBNull.Value);
        p.AddWithValue("$accepted", stamped.Accepted);
        p.AddWithValue("$rejected", stamped.Rejected);
        p.AddWithValue("$rate", double.IsFinite(stamped.RatePerSecond) ? stamped.RatePerSecond : 0);
        p.AddWithValue("$eta_ms", stamped.Eta is { } eta ? (long)eta.TotalMilliseconds : DBNull.Value);
        p.AddWithValue("$message", (object?)stamped.Message ?? DBNull.Value);
        p.AddWithValue("$bad_records", JsonSerializer.Serialize(stamped.BadRecords, Json));
        p.AddWithValue("$generation", (object?)stamped.Generation ?? DBNull.Value);
        p.AddWithValue("$feed_location", (object?)stamped.FeedLocation ?? DBNull.Value);
        p.AddWithValue("$batch_id", (object?)stamped.BatchId ?? DBNull.Value);
        p.AddWithValue("$change_seq", stamped.ChangeSequence);
        p.AddWithValue("$created_at", Format(stamped.CreatedAt));
        p.AddWithValue("$updated_at", Format(stamped.UpdatedAt));
        p.AddWithValue("$finished_at", stamped.FinishedAt is { } f ? Format(f) : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return stamped;
    }

    private static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static JobStatus Read(SqliteDataReader r) => new()
    {
        JobId = r.GetString(0),
        Kind = Enum.Parse<JobKind>(r.GetString(1)),
        State = Enum.Parse<JobState>(r.GetString(2)),
        Processed = r.GetInt64(3),
        Total = r.IsDBNull(4) ? null : r.GetInt64(4),
        Accepted = r.GetInt64(5),
        Rejected = r.GetInt64(6),
        RatePerSecond = r.GetDouble(7),
        Eta = r.IsDBNull(8) ? null : TimeSpan.FromMilliseconds(r.GetInt64(8)),
        Message = r.IsDBNull(9) ? null : r.GetString(9),
        BadRecords = JsonSerializer.Deserialize<List<RejectedRecord>>(r.GetString(10), Json) ?? [],
        Generation = r.IsDBNull(11) ? null : r.GetString(11),
        FeedLocation = r.IsDBNull(12) ? null : r.GetString(12),
        BatchId = r.IsDBNull(13) ? null : r.GetString(13),
        ChangeSequence = r.GetInt64(14),
        CreatedAt = Parse(r.GetString(15)),
        UpdatedAt = Parse(r.GetString(16)),
        FinishedAt = r.IsDBNull(17) ? null : Parse(r.GetString(17)),
    };
}
