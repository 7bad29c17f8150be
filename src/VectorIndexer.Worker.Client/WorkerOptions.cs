using System.ComponentModel.DataAnnotations;
using VectorIndexer.Core.Security;
using VectorIndexer.Core.Validation;

namespace VectorIndexer.Worker;

/// <summary>Where Hangfire keeps its jobs.</summary>
public enum WorkerStorage
{
    /// <summary>An embedded SQLite file under <see cref="WorkerOptions.DataDirectory"/> (default; one worker process).</summary>
    Sqlite,

    /// <summary>
    /// PostgreSQL, connection string <c>ConnectionStrings:Hangfire</c> (several worker processes, and
    /// API processes that push work): Hangfire's tables in <see cref="WorkerOptions.PostgreSqlSchema"/>,
    /// the pending batches and job statuses in <see cref="WorkerOptions.PostgreSqlStoreSchema"/>.
    /// </summary>
    PostgreSql,
}

/// <summary>Settings of the indexing worker (configuration section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>The name of the connection string used when <see cref="Storage"/> is PostgreSql.</summary>
    public const string ConnectionStringName = "Hangfire";

    public WorkerStorage Storage { get; set; } = WorkerStorage.Sqlite;

    /// <summary>
    /// Folder of the worker's own files, relative paths under the content root: with SQLite storage
    /// Hangfire's file, the pending batches and the job statuses; with PostgreSQL nothing of the job
    /// layer (all of it is in the database).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data/worker";

    /// <summary>Jobs run at once by this process. A reindex occupies one worker for its whole run.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 2;

    /// <summary>
    /// How long a fetched job stays invisible to other workers; null: 3 hours on SQLite, 5 minutes on
    /// PostgreSQL with a sliding timeout. SQLite storage (Hangfire.Storage.SQLite 0.4.3) has no
    /// heartbeat: a job killed with its process is fetched again only after this much time, and a job
    /// running longer than this would be fetched a second time, so it must exceed the longest reindex
    /// (<see cref="RequeueOrphanedJobsAtStart"/> brings a killed job back at once instead). PostgreSQL
    /// storage with <see cref="UseSlidingInvisibilityTimeout"/> renews it by a heartbeat every fifth of
    /// it: there it only bounds how soon a killed job comes back.
    /// </summary>
    [TimeSpanRange("00:00:05", "7.00:00:00")]
    public TimeSpan? InvisibilityTimeout { get; set; }

    /// <summary>The invisibility timeout in force.</summary>
    public TimeSpan EffectiveInvisibilityTimeout => InvisibilityTimeout
        ?? (Storage == WorkerStorage.PostgreSql && UseSlidingInvisibilityTimeout ? TimeSpan.FromMinutes(5) : TimeSpan.FromHours(3));

    /// <summary>
    /// SQLite storage only: at start, put back in the queue the jobs left processing by a worker that
    /// died (SIGKILL, power loss), so a killed reindex resumes at once rather than after the
    /// invisibility timeout, and release the distributed locks it held (a requeued reindex would wait
    /// out the lock's expiry). Assumes the SQLite storage has one worker process, as it is meant to.
    /// </summary>
    public bool RequeueOrphanedJobsAtStart { get; set; } = true;

    /// <summary>
    /// Sliding invisibility (PostgreSQL only): running jobs are kept invisible by a heartbeat, so
    /// <see cref="InvisibilityTimeout"/> can be short. SQLite storage (0.4.3) has no such option.
    /// </summary>
    public bool UseSlidingInvisibilityTimeout { get; set; } = true;

    /// <summary>The PostgreSQL schema of Hangfire's tables.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Worker:PostgreSqlSchema must be a lower-case PostgreSQL identifier.")]
    public string PostgreSqlSchema { get; set; } = "hangfire";

    /// <summary>
    /// The PostgreSQL schema of the worker's own tables (pending batches, job statuses), created with
    /// its tables on first use when missing; used when <see cref="Storage"/> is PostgreSql.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Worker:PostgreSqlStoreSchema must be a lower-case PostgreSQL identifier.")]
    public string PostgreSqlStoreSchema { get; set; } = "vectorindexer";

    /// <summary>How often idle workers poll the SQLite queue (PostgreSQL: its own default).</summary>
    [TimeSpanRange("00:00:00.050", "00:05:00")]
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long Hangfire waits for running jobs to stop on shutdown; the host's own timeout is set above it.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Products embedded and upserted together.</summary>
    [Range(1, 4096)]
    public int BatchSize { get; set; } = 128;

    /// <summary>Share of rejected feed records above which a reindex fails and the live index stays as it is (0.01 = 1%).</summary>
    [Range(0.0, 1.0)]
    public double MaxRejectedShare { get; set; } = 0.01;

    /// <summary>Bad records listed by line number in a job's report and failure message.</summary>
    [Range(1, 1000)]
    public int ReportedBadRecords { get; set; } = 20;

    /// <summary>Retries of a job that failed transiently (I/O, timeouts, an unreachable index).</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>Delay before the first retry; doubled for each further one.</summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public RecurringReindexOptions RecurringReindex { get; set; } = new();

    public NeighboursExportOptions NeighboursExport { get; set; } = new();

    public WorkerDashboardOptions Dashboard { get; set; } = new();
}

/// <summary>The scheduled full reindex (<c>Worker:RecurringReindex</c>); off unless a cron and a feed are set.</summary>
public sealed class RecurringReindexOptions
{
    /// <summary>Cron expression (UTC), e.g. <c>0 3 * * *</c>; null or empty: no recurring reindex.</summary>
    public string? Cron { get; set; }

    /// <summary>The feed the recurring reindex reads.</summary>
    public string? FeedLocation { get; set; }

    /// <summary>The feed's field mapping; null: the default.</summary>
    public string? Mapping { get; set; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Cron);
}

/// <summary>
/// The neighbours export job (<c>Worker:NeighboursExport</c>): every product of the live generation
/// with its nearest products, and the near-duplicate groups, written as JSON Lines. On the
/// dashboard's Recurring Jobs page as "neighbours-export" (Trigger now), on a schedule when a cron is set.
/// </summary>
public sealed class NeighboursExportOptions
{
    /// <summary>Where the files go; a relative path is under <see cref="WorkerOptions.DataDirectory"/>.</summary>
    public string Directory { get; set; } = "exports";

    /// <summary>Neighbours per product.</summary>
    public int K { get; set; } = 20;

    /// <summary>Only neighbours within each product's category.</summary>
    public bool SameCategory { get; set; }

    /// <summary>The cosine at or above which two products are near-duplicates.</summary>
    public float DuplicateThreshold { get; set; } = 0.95f;

    /// <summary>Cron expression (UTC) for a scheduled export; null: only when triggered.</summary>
    public string? Cron { get; set; }
}

/// <summary>Who may open the Hangfire dashboard (<c>Worker:Dashboard</c>). Nobody, unless configured, outside Development.</summary>
public sealed class WorkerDashboardOptions
{
    /// <summary>A key sent in the <c>X-Api-Key</c> header; at least 16 characters.</summary>
    [MinLength(16)]
    public string? ApiKey { get; set; }

    /// <summary>Basic-authentication user; set together with <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    /// <summary>Basic-authentication password; at least 12 characters.</summary>
    [MinLength(12)]
    public string? Password { get; set; }

    /// <summary>
    /// The limit on wrong keys and credentials (<c>Worker:Dashboard:FailedAttempts</c>): after
    /// <c>PermitLimit</c> (10) failures within <c>Window</c> (1 minute) a client gets 429 until the window ends.
    /// </summary>
    public FailedAttemptOptions FailedAttempts { get; set; } = new();
}
