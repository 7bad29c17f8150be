using Hangfire;
using Hangfire.States;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>The worker as a host runs it: AddIndexingWorker, a Hangfire server on the embedded SQLite storage, the real embedded index.</summary>
public sealed class EndToEndTests(EmbedderFixture fixture) : IDisposable
{
    /// <summary>A PostgreSQL connection string for the Hangfire-on-PostgreSQL test; it is skipped without one.</summary>
    private const string PostgresVariable = "VECTORINDEXER_TEST_HANGFIRE_POSTGRES";

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _directory = new();
    private readonly FakeFeed _feed = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Worker_ReindexThenPushedBatches_RunToCompletionOnSqliteStorage()
    {
        _feed.Add("catalog.jsonl", Products.Feed(40, badLines: []));
        using var host = Build();
        await host.StartAsync(Token);
        var scheduler = host.Services.GetRequiredService<IndexingJobScheduler>();
        var statuses = host.Services.GetRequiredService<JobStatusStore>();
        var index = host.Services.GetRequiredService<IProductIndex>();

        var reindex = await scheduler.EnqueueReindexAsync("catalog.jsonl", null, Token);
        var done = await WaitFinishedAsync(statuses, reindex);

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(40, done.Accepted);
        Assert.Equal(40, await index.CountAsync(null, null, Token));
        Assert.Equal(done.Generation, (await index.GetLiveGenerationAsync(Token))!.Name);

        var upsert = await scheduler.EnqueueUpsertAsync([Products.Make("pushed", "Folding camping chair")], Token);
        var delete = await scheduler.EnqueueDeleteAsync(["p-1"], Token);
        Assert.Equal(JobState.Succeeded, (await WaitFinishedAsync(statuses, upsert.JobId)).State);
        Assert.Equal(JobState.Succeeded, (await WaitFinishedAsync(statuses, delete.JobId)).State);
        Assert.NotNull(await index.GetAsync(null, "pushed", Token));
        Assert.Null(await index.GetAsync(null, "p-1", Token));

        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_FeedOverTheThreshold_FailsOnceWithTheMessageAndIsNotRetried()
    {
        _feed.Add("bad.jsonl", Products.Feed(10, badLines: [4]));
        using var host = Build();
        await host.StartAsync(Token);
        var scheduler = host.Services.GetRequiredService<IndexingJobScheduler>();
        var statuses = host.Services.GetRequiredService<JobStatusStore>();

        var jobId = await scheduler.EnqueueReindexAsync("bad.jsonl", null, Token);
        var done = await WaitFinishedAsync(statuses, jobId);
        var storage = host.Services.GetRequiredService<JobStorage>();
        var state = await WaitForStateAsync(storage, jobId, FailedState.StateName);

        Assert.Equal(JobState.Failed, done.State);
        Assert.Contains("line 4: price is not a number", done.Message, StringComparison.Ordinal);
        Assert.Equal(FailedState.StateName, state);
        using var connection = storage.GetConnection();
        Assert.Null(connection.GetJobParameter(jobId, IndexingFailureFilter.RetryCountParameter));
        Assert.Empty(await host.Services.GetRequiredService<IProductIndex>().ListGenerationsAsync(Token));
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_TransientFailure_IsRetriedAndTheRetryResumesTheSameGeneration()
    {
        _feed.Add("flaky.jsonl", Products.Feed(20, badLines: []));
        var failed = 0;
        _feed.OnItem = position =>
        {
            if (position == 10 && Interlocked.Exchange(ref failed, 1) == 0)
            {
                throw new IOException("The network share went away.");
            }

            return Task.CompletedTask;
        };
        using var host = Build();
        await host.StartAsync(Token);
        var scheduler = host.Services.GetRequiredService<IndexingJobScheduler>();
        var statuses = host.Services.GetRequiredService<JobStatusStore>();

        var jobId = await scheduler.EnqueueReindexAsync("flaky.jsonl", null, Token);
        var done = await WaitFinishedAsync(statuses, jobId);

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(20, await host.Services.GetRequiredService<IProductIndex>().CountAsync(null, null, Token));
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Equal("1", connection.GetJobParameter(jobId, IndexingFailureFilter.RetryCountParameter));
        Assert.Equal(2, _feed.Reads);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_PushFailingTransientlyPastTheLastRetry_IsParkedShownFailedOnTheDashboardAndLaterPushesGoOn()
    {
        _feed.Add("catalog.jsonl", Products.Feed(6, badLines: []));
        var embedder = new CountingEmbedder(fixture) { TimesOut = text => text.Contains("Unlucky", StringComparison.Ordinal) };
        using var host = Build(new() { ["Worker:MaxRetries"] = "2" }, embedder);
        await host.StartAsync(Token);
        var scheduler = host.Services.GetRequiredService<IndexingJobScheduler>();
        var statuses = host.Services.GetRequiredService<JobStatusStore>();
        var index = host.Services.GetRequiredService<IProductIndex>();
        Assert.Equal(JobState.Succeeded, (await WaitFinishedAsync(statuses, await scheduler.EnqueueReindexAsync("catalog.jsonl", null, Token))).State);

        var unlucky = await scheduler.EnqueueUpsertAsync([Products.Make("unlucky", "Unlucky umbrella")], Token);
        var parked = await WaitFinishedAsync(statuses, unlucky.JobId);
        var next = await scheduler.EnqueueUpsertAsync([Products.Make("next", "Rain jacket with a hood")], Token);
        var applied = await WaitFinishedAsync(statuses, next.JobId);

        Assert.Equal(JobState.Parked, parked.State);
        Assert.Contains("TimeoutException", parked.Message, StringComparison.Ordinal);
        var storage = host.Services.GetRequiredService<JobStorage>();
        Assert.Equal(FailedState.StateName, await WaitForStateAsync(storage, unlucky.JobId, FailedState.StateName));
        using (var connection = storage.GetConnection())
        {
            Assert.Equal("2", connection.GetJobParameter(unlucky.JobId, IndexingFailureFilter.RetryCountParameter));
        }

        var batch = (await host.Services.GetRequiredService<PendingBatchStore>().GetAsync(unlucky.BatchId, Token))!;
        Assert.Equal(PendingBatchState.Parked, batch.State);
        Assert.Equal(JobState.Succeeded, applied.State);
        Assert.NotNull(await index.GetAsync(null, "next", Token));
        Assert.Null(await index.GetAsync(null, "unlucky", Token));

        // Once the cause is gone, the operator sends it again and it is applied.
        embedder.TimesOut = null;
        var again = await scheduler.RetryParkedAsync(unlucky.BatchId, Token);
        Assert.Equal(JobState.Succeeded, (await WaitFinishedAsync(statuses, again!.JobId)).State);
        Assert.Equal("Unlucky umbrella", (await index.GetAsync(null, "unlucky", Token))!.Product.Title);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_TwoReindexesEnqueuedAtOnce_RunOneAfterTheOther()
    {
        _feed.Add("a.jsonl", Products.Feed(30, badLines: []));
        _feed.Add("b.jsonl", Products.Feed(20, badLines: []));
        using var host = Build(new() { ["Worker:WorkerCount"] = "2" });
        await host.StartAsync(Token);
        var jobs = host.Services.GetRequiredService<IBackgroundJobClient>();
        var statuses = host.Services.GetRequiredService<JobStatusStore>();

        // Straight to Hangfire, past the scheduler's own check: only the job's lock keeps them apart.
        var first = jobs.Enqueue<FullReindexJob>(job => job.RunAsync("a.jsonl", null, CancellationToken.None));
        var second = jobs.Enqueue<FullReindexJob>(job => job.RunAsync("b.jsonl", null, CancellationToken.None));
        var a = await WaitFinishedAsync(statuses, first);
        var b = await WaitFinishedAsync(statuses, second);

        Assert.Equal(JobState.Succeeded, a.State);
        Assert.Equal(JobState.Succeeded, b.State);
        var (earlier, later) = a.CreatedAt <= b.CreatedAt ? (a, b) : (b, a);
        Assert.True(later.CreatedAt >= earlier.FinishedAt, $"the second reindex started at {later.CreatedAt:O}, before the first finished at {earlier.FinishedAt:O}");
        var index = host.Services.GetRequiredService<IProductIndex>();
        var live = Assert.Single(await index.ListGenerationsAsync(Token));
        Assert.Equal(later.Generation, live.Name);
        Assert.Equal(later.Accepted, await index.CountAsync(null, null, Token));
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_SameFeedTriggeredTwiceWhileItRuns_TheSecondIsANoOp()
    {
        _feed.Add("catalog.jsonl", Products.Feed(30, badLines: []));
        var embedder = new CountingEmbedder(fixture);
        using var host = Build(new() { ["Worker:WorkerCount"] = "2" }, embedder);
        await host.StartAsync(Token);
        var jobs = host.Services.GetRequiredService<IBackgroundJobClient>();
        var statuses = host.Services.GetRequiredService<JobStatusStore>();

        // As "Trigger now" and the schedule do: straight to Hangfire, the second while the first is under way.
        var first = jobs.Enqueue<FullReindexJob>(job => job.RunAsync("catalog.jsonl", null, CancellationToken.None));
        var second = jobs.Enqueue<FullReindexJob>(job => job.RunAsync("catalog.jsonl", null, CancellationToken.None));
        var a = await WaitFinishedAsync(statuses, first);
        var b = await WaitFinishedAsync(statuses, second);

        Assert.Equal(JobState.Succeeded, a.State);
        Assert.Equal(JobState.Succeeded, b.State);
        var (built, noOp) = a.Message!.StartsWith("Nothing to do", StringComparison.Ordinal) ? (b, a) : (a, b);
        Assert.StartsWith($"Nothing to do: reindex {built.JobId}", noOp.Message, StringComparison.Ordinal);
        Assert.Equal(built.Generation, noOp.Generation);
        Assert.Equal(30, embedder.Texts);
        Assert.Equal(1, _feed.Reads);
        Assert.Equal(built.Generation, Assert.Single(await host.Services.GetRequiredService<IProductIndex>().ListGenerationsAsync(Token)).Name);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_OnPostgreSqlStorage_RunsAReindexToCompletion()
    {
        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(connectionString), $"No PostgreSQL server for Hangfire: set {PostgresVariable} to a connection string to run this test.");
        _feed.Add("catalog.jsonl", Products.Feed(12, badLines: []));
        using var server = new PostgresTestDatabase();
        using var host = Build(new()
        {
            ["Worker:Storage"] = "postgresql",
            ["Worker:PostgreSqlSchema"] = server.NewSchema("worker_test"),
            ["Worker:PostgreSqlStoreSchema"] = server.NewSchema("store_test"),
            ["Worker:InvisibilityTimeout"] = "00:00:10",
            ["ConnectionStrings:Hangfire"] = connectionString,
        });
        await host.StartAsync(Token);
        var scheduler = host.Services.GetRequiredService<IndexingJobScheduler>();
        var statuses = host.Services.GetRequiredService<JobStatusStore>();

        var jobId = await scheduler.EnqueueReindexAsync("catalog.jsonl", null, Token);
        var done = await WaitFinishedAsync(statuses, jobId);

        Assert.IsType<Hangfire.PostgreSql.PostgreSqlStorage>(host.Services.GetRequiredService<JobStorage>());
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(12, await host.Services.GetRequiredService<IProductIndex>().CountAsync(null, null, Token));
        Assert.Equal(SucceededState.StateName, await WaitForStateAsync(host.Services.GetRequiredService<JobStorage>(), jobId, SucceededState.StateName));
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_KilledBetweenFetchingAJobAndStartingIt_RunsItAfterRestart()
    {
        // Seen in the kill -9 harness: SQLite storage marks a queue entry fetched before the job is
        // moved to processing; a kill in between left the job enqueued but invisible for the 3-hour
        // invisibility timeout, and the push it carried waited that long.
        _feed.Add("catalog.jsonl", Products.Feed(4, badLines: []));
        using (var indexed = Build())
        {
            await indexed.StartAsync(Token);
            var reindex = await indexed.Services.GetRequiredService<IndexingJobScheduler>().EnqueueReindexAsync("catalog.jsonl", null, Token);
            Assert.Equal(JobState.Succeeded, (await WaitFinishedAsync(indexed.Services.GetRequiredService<JobStatusStore>(), reindex)).State);
            await indexed.StopAsync(Token);
        }

        string jobId;
        using (var first = Build())
        {
            var scheduler = first.Services.GetRequiredService<IndexingJobScheduler>();
            jobId = (await scheduler.EnqueueUpsertAsync([Products.Make("pushed", "Folding camping chair")], Token)).JobId;

            // What the dead workers did: fetch the entry, then nothing (no acknowledgement, no
            // requeue); requeued at the next start and fetched again before that one died too, so
            // the job has two fetched entries (the storage's FetchedJobs page throws on that).
            using var connection = first.Services.GetRequiredService<JobStorage>().GetConnection();
            Assert.Equal(jobId, connection.FetchNextJob(["default"], Token).JobId);
            Assert.True(first.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId));
            Assert.Equal(jobId, connection.FetchNextJob(["default"], Token).JobId);
            Assert.Equal(EnqueuedState.StateName, connection.GetStateData(jobId)?.Name);
            Assert.Equal(2, first.Services.GetRequiredService<JobStorage>().GetMonitoringApi().FetchedCount("default"));
        }

        using var second = Build();
        await second.StartAsync(Token);
        var done = await WaitFinishedAsync(second.Services.GetRequiredService<JobStatusStore>(), jobId);

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.NotNull(await second.Services.GetRequiredService<IProductIndex>().GetAsync(null, "pushed", Token));
        await second.StopAsync(Token);
    }

    [Fact]
    public async Task Worker_KilledHoldingTheReindexLock_ResumesTheReindexAtOnceAfterRestart()
    {
        // Seen in the kill -9 harness: a killed worker leaves the reindex's DisableConcurrentExecution
        // lock row in SQLite storage until its expiry; the requeued reindex waited 30 s behind it,
        // failed and waited for its retry. Left here as the dead worker left it, expiring in an hour.
        _feed.Add("catalog.jsonl", Products.Feed(6, badLines: []));
        string jobId;
        using (var first = Build())
        {
            _ = first.Services.GetRequiredService<JobStorage>(); // creates the storage's tables
            jobId = await first.Services.GetRequiredService<IndexingJobScheduler>().EnqueueReindexAsync("catalog.jsonl", null, Token);
            LeaveLock(first.Services.GetRequiredService<WorkerPaths>().HangfireDatabase, "HangFire:FullReindexJob.RunAsync", TimeSpan.FromHours(1));
        }

        using var second = Build();
        await second.StartAsync(Token);
        var done = await WaitFinishedAsync(second.Services.GetRequiredService<JobStatusStore>(), jobId);

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(6, await second.Services.GetRequiredService<IProductIndex>().CountAsync(null, null, Token));
        await second.StopAsync(Token);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>A lock row as a killed holder leaves it: no heartbeat renews it, it expires in <paramref name="expiresIn"/>.</summary>
    private static void LeaveLock(string hangfireDatabase, string resource, TimeSpan expiresIn)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = hangfireDatabase, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO DistributedLock (Id, Resource, ResourceKey, ExpireAt) VALUES ($id, $resource, $key, $expireAt)";
        command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString());
        command.Parameters.AddWithValue("$resource", resource);
        command.Parameters.AddWithValue("$key", Guid.NewGuid().ToString());
        command.Parameters.AddWithValue("$expireAt", (DateTime.UtcNow + expiresIn).Ticks);
        command.ExecuteNonQuery();
    }

    private static async Task<JobStatus> WaitFinishedAsync(JobStatusStore statuses, string jobId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(Patience);
        while (true)
        {
            if (await statuses.GetAsync(jobId, timeout.Token) is { IsFinished: true } status)
            {
                return status;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private static async Task<string?> WaitForStateAsync(JobStorage storage, string jobId, string expected)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(Patience);
        while (true)
        {
            using (var connection = storage.GetConnection())
            {
                var state = connection.GetStateData(jobId)?.Name;
                if (state == expected)
                {
                    return state;
                }
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private IHost Build(Dictionary<string, string?>? settings = null, IProductEmbedder? embedder = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = _directory.Path,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:DataDirectory"] = "worker",
            ["Worker:WorkerCount"] = "1",
            ["Worker:QueuePollInterval"] = "00:00:00.200",
            ["Worker:BatchSize"] = "8",
            ["Worker:RetryBaseDelay"] = "00:00:00",
            ["Index:Embedded:DataDirectory"] = "index",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton(embedder ?? new OnnxProductEmbedder(fixture.Embedder));
        builder.Services.AddSingleton(new ProductTextComposer());
        builder.Services.AddSingleton<ICatalogFeedSource>(_feed);
        builder.Services.AddEmbeddedProductIndex();
        builder.Services.AddIndexingWorker();
        return builder.Build();
    }
}
