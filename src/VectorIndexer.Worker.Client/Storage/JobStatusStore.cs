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

    /// <summary>A batch job whose batch failed for good: the batch is parked (see <see cref="PendingBatchState.Parked"/>), later batches go on.</summary>
    Parked,
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

    /// <summary>
    /// What a reindex read: the feed's version (<c>ICatalogFeedSource.GetVersionAsync</c>)
    /// as it started; null when the source cannot tell.
    /// </summary>
    public string? FeedVersion { get; init; }

    /// <summary>The pushed batch a batch job applies.</summary>
    public string? BatchId { get; init; }

    /// <summary>Pushed batches after this sequence are replayed into the rebuilt generation.</summary>
    public long ChangeSequence { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.Parked;
}

/// <summary>
/// Durable job statuses; what <c>GET /api/jobs/{id}</c> reads. Kept in a SQLite file (WAL; one
/// worker process) or, for several processes, in PostgreSQL, with the same behaviour: time stamps
/// in UTC to the microsecond, <see cref="TryCreateAsync"/> atomic (of several callers at once,
/// exactly one creates), unfinished jobs listed oldest first.
/// </summary>
public sealed class JobStatusStore
{
    private readonly IJobStatusBackend _backend;
    private readonly TimeProvider _time;

    /// <summary>A store in the SQLite file at <paramref name="path"/> (created when missing).</summary>
    public JobStatusStore(string path, TimeProvider? timeProvider = null)
        : this(new SqliteJobStatusBackend(path), timeProvider)
    {
    }

    internal JobStatusStore(IJobStatusBackend backend, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Where the statuses are kept, for people: a file path or a PostgreSQL table (never a connection string).</summary>
    public string Location => _backend.Location;

    /// <summary>The job's status, or null when unknown.</summary>
    public Task<JobStatus?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return _backend.GetAsync(jobId, cancellationToken);
    }

    /// <summary>The job of a kind that succeeded last (by finish time), or null.</summary>
    public Task<JobStatus?> GetLastSucceededAsync(JobKind kind, CancellationToken cancellationToken = default) =>
        _backend.GetLastSucceededAsync(kind, cancellationToken);

    /// <summary>Jobs of a kind that have not finished, oldest first.</summary>
    public Task<IReadOnlyList<JobStatus>> ListUnfinishedAsync(JobKind kind, CancellationToken cancellationToken = default) =>
        _backend.ListUnfinishedAsync(kind, cancellationToken);

    /// <summary>Writes the status (insert or replace); stamps <see cref="JobStatus.UpdatedAt"/>.</summary>
    public async Task<JobStatus> SaveAsync(JobStatus status, CancellationToken cancellationToken = default)
    {
        var stamped = Stamp(status);
        await _backend.WriteAsync(stamped, replace: true, cancellationToken);
        return stamped;
    }

    /// <summary>
    /// Writes the status only when the job has none yet (the job may already have started); returns
    /// whether it did. Atomic: of several callers at once, exactly one gets true.
    /// </summary>
    public Task<bool> TryCreateAsync(JobStatus status, CancellationToken cancellationToken = default) =>
        _backend.WriteAsync(Stamp(status), replace: false, cancellationToken);

    private JobStatus Stamp(JobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentException.ThrowIfNullOrWhiteSpace(status.JobId);
        var now = StoreTime.Truncate(_time.GetUtcNow());
        return status with
        {
            CreatedAt = status.CreatedAt == default ? now : StoreTime.Truncate(status.CreatedAt),
            UpdatedAt = now,
            FinishedAt = status.IsFinished ? (status.FinishedAt is { } finished ? StoreTime.Truncate(finished) : now) : null,
            RatePerSecond = double.IsFinite(status.RatePerSecond) ? status.RatePerSecond : 0,
        };
    }
}
