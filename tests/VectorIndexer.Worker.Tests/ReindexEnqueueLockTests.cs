using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// <see cref="IndexingJobScheduler.EnqueueReindexAsync"/> checks for a running reindex and enqueues
/// one under Hangfire's distributed lock: schedulers of separate "processes" (each its own job
/// storage and status store over the same files or database) asking at once get one job.
/// </summary>
public sealed class ReindexEnqueueLockTests : IDisposable
{
    private const int Callers = 8;
    private readonly TempDirectory _directory = new();
    private readonly PostgresTestDatabase _server = new();
    private readonly List<IDisposable> _owned = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnqueueReindex_ConcurrentCallsFromTwoSchedulersOnOneSqliteStorage_ReturnOneJob()
    {
        var (a, storage) = SqliteScheduler();
        var (b, _) = SqliteScheduler();

        var ids = await EnqueueAtOnceAsync(a, b);

        Assert.Single(ids.Distinct(StringComparer.Ordinal));
        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount("default"));
    }

    [Fact]
    public async Task EnqueueReindex_ConcurrentCallsFromTwoSchedulersOnOnePostgreSqlDatabase_ReturnOneJob()
    {
        var connectionString = PostgresTestDatabase.ConnectionString;
        var hangfireSchema = _server.NewSchema("hf_enqueue");
        var storeSchema = _server.NewSchema("vi_enqueue");
        var (a, storage) = PostgreSqlScheduler(connectionString, hangfireSchema, storeSchema);
        var (b, _) = PostgreSqlScheduler(connectionString, hangfireSchema, storeSchema);

        var ids = await EnqueueAtOnceAsync(a, b);

        Assert.Single(ids.Distinct(StringComparer.Ordinal));
        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount("default"));
    }

    [Fact]
    public async Task EnqueueReindex_WhileAnotherHoldsTheLock_WaitsForIt()
    {
        var (scheduler, storage) = SqliteScheduler();
        using var taken = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        // Another process in its critical section (Hangfire's SQLite locks belong to the thread that took them).
        var holder = new Thread(() =>
        {
            using var connection = storage.GetConnection();
            using (connection.AcquireDistributedLock(IndexingJobScheduler.ReindexLockResource, TimeSpan.FromSeconds(5)))
            {
                taken.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        });
        holder.Start();
        Assert.True(taken.Wait(TimeSpan.FromSeconds(10), Token));

        var enqueue = scheduler.EnqueueReindexAsync("/feeds/a.jsonl", null, Token);
        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        Assert.False(enqueue.IsCompleted);
        release.Set();

        var jobId = await enqueue.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.True(holder.Join(TimeSpan.FromSeconds(10)));
        using var check = storage.GetConnection();
        Assert.Equal(typeof(IFullReindexJob), check.GetJobData(jobId).Job.Type);
    }

    public void Dispose()
    {
        _owned.ForEach(d => d.Dispose());
        _server.Dispose();
        _directory.Dispose();
    }

    private static async Task<string[]> EnqueueAtOnceAsync(IndexingJobScheduler a, IndexingJobScheduler b)
    {
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, Callers)
            .Select(i => Task.Run(
                () =>
                {
                    start.Wait(Token);
                    return (i % 2 == 0 ? a : b).EnqueueReindexAsync($"/feeds/{i}.jsonl", null, Token);
                },
                Token))
            .ToArray();
        start.Set();
        return await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(2), Token);
    }

    private static IndexingJobScheduler Scheduler(JobStorage storage, PendingBatchStore batches, JobStatusStore statuses) =>
        new(new BackgroundJobClient(storage), new RecurringJobManager(storage), storage, batches, statuses, Options.Create(new WorkerOptions()));

    /// <summary>A scheduler with its own SQLite storage and stores over the shared files, as another process would have.</summary>
    private (IndexingJobScheduler Scheduler, JobStorage Storage) SqliteScheduler()
    {
        var storage = new SQLiteStorage(Path.Combine(_directory.Path, "hangfire.db"), new SQLiteStorageOptions());
        _owned.Add(storage);
        var batches = new PendingBatchStore(Path.Combine(_directory.Path, "batches.db"));
        var statuses = new JobStatusStore(Path.Combine(_directory.Path, "jobs.db"));
        return (Scheduler(storage, batches, statuses), storage);
    }

    /// <summary>A scheduler with its own PostgreSQL storage and stores (own connection pools) on the shared schemas.</summary>
    private (IndexingJobScheduler Scheduler, JobStorage Storage) PostgreSqlScheduler(string connectionString, string hangfireSchema, string storeSchema)
    {
        var options = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true, SchemaName = hangfireSchema };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        var database = new PostgreSqlWorkerDatabase(connectionString, storeSchema);
        _owned.Add(database);
        var batches = new PendingBatchStore(new PostgreSqlPendingBatchBackend(database));
        var statuses = new JobStatusStore(new PostgreSqlJobStatusBackend(database));
        return (Scheduler(storage, batches, statuses), storage);
    }
}
