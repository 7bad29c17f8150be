using System.Data.Common;

namespace VectorIndexer.Worker.Storage;

/// <summary>A pushed batch as one backend row; the payload is the JSON the facade wrote.</summary>
internal sealed record PendingBatchRow(long Sequence, string Id, PendingBatchKind Kind, string Payload, DateTimeOffset CreatedAt, DateTimeOffset? AppliedAt)
{
    /// <summary>The generation it was applied to; null while pending.</summary>
    public string? AppliedGeneration { get; init; }

    /// <summary>When it was parked (set aside after failing for good); null otherwise.</summary>
    public DateTimeOffset? ParkedAt { get; init; }

    /// <summary>Why it was parked.</summary>
    public string? ParkReason { get; init; }

    /// <summary>For a parked batch sent again: the sequence of the original push.</summary>
    public long? RetryOf { get; init; }
}

/// <summary>
/// Where <see cref="PendingBatchStore"/> keeps its rows. Every backend must give: sequences that
/// grow in commit order (a reader never sees batch n+1 before batch n), an applied marker that is
/// set once, and an apply lock that excludes every other holder on the same store (other
/// processes included, where the backend is shared by several).
/// </summary>
internal interface IPendingBatchBackend
{
    /// <summary>Where the rows are, for people (never a connection string).</summary>
    string Location { get; }

    Task<long> InsertAsync(string id, PendingBatchKind kind, string payload, DateTimeOffset createdAt, CancellationToken cancellationToken);

    Task<PendingBatchRow?> GetAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<PendingBatchRow>> ListAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<PendingBatchRow>> ListUnappliedThroughAsync(long throughSequence, int limit, CancellationToken cancellationToken);

    Task<long> GetLastSequenceAsync(CancellationToken cancellationToken);

    Task<long> GetReplayStartAsync(CancellationToken cancellationToken);

    /// <summary>Sets the applied time and generation once: a second call keeps the first pair.</summary>
    Task MarkAppliedAsync(string id, string generation, DateTimeOffset now, CancellationToken cancellationToken);

    Task<int> PurgeAppliedAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken);

    /// <summary>Parks a batch not applied yet (the first time and reason win); returns whether it is parked now.</summary>
    Task<bool> ParkAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Parked batches, oldest first.</summary>
    Task<IReadOnlyList<PendingBatchRow>> ListParkedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: removes the parked batch <paramref name="id"/> and stores its payload again
    /// as batch <paramref name="newId"/> at the end of the sequence, recording the original push's
    /// sequence in <see cref="PendingBatchRow.RetryOf"/>. Null when no such parked batch exists.
    /// </summary>
    Task<PendingBatchRow?> RequeueParkedAsync(string id, string newId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a parked batch; returns whether there was one.</summary>
    Task<bool> DeleteParkedAsync(string id, CancellationToken cancellationToken);

    /// <summary>Waits for the apply lock; <see cref="TimeoutException"/> when it is not free within <paramref name="timeout"/>.</summary>
    Task<IAsyncDisposable> AcquireApplyLockAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Where <see cref="JobStatusStore"/> keeps its rows; statuses arrive stamped by the facade.</summary>
internal interface IJobStatusBackend
{
    /// <summary>Where the rows are, for people (never a connection string).</summary>
    string Location { get; }

    Task<JobStatus?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The succeeded status of a kind with the latest finish time (ties by job id), or null.</summary>
    Task<JobStatus?> GetLastSucceededAsync(JobKind kind, CancellationToken cancellationToken);

    /// <summary>Unfinished statuses of a kind, oldest first (ties by job id).</summary>
    Task<IReadOnlyList<JobStatus>> ListUnfinishedAsync(JobKind kind, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces (<paramref name="replace"/>), or inserts only when absent; returns whether a row was written.</summary>
    Task<bool> WriteAsync(JobStatus status, bool replace, CancellationToken cancellationToken);
}

internal static class StoreTime
{
    /// <summary>
    /// Cut to whole microseconds, in UTC: PostgreSQL's <c>timestamptz</c> keeps no finer, and both
    /// backends must read back what they were given.
    /// </summary>
    public static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }
}

/// <summary>
/// Reads a job status row, in the column order both backends select, from either database's
/// reader; only how a timestamp is stored differs (PostgreSQL <c>timestamptz</c>, SQLite ISO text).
/// </summary>
internal static class JobStatusRow
{
    public static JobStatus Read(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> time) => new()
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
        BadRecords = JobStatusJson.ReadBadRecords(r.GetString(10)),
        Generation = r.IsDBNull(11) ? null : r.GetString(11),
        FeedLocation = r.IsDBNull(12) ? null : r.GetString(12),
        BatchId = r.IsDBNull(13) ? null : r.GetString(13),
        ChangeSequence = r.GetInt64(14),
        CreatedAt = time(r, 15),
        UpdatedAt = time(r, 16),
        FinishedAt = r.IsDBNull(17) ? null : time(r, 17),
        FeedVersion = r.IsDBNull(18) ? null : r.GetString(18),
    };
}
