using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// The production deployment on one PostgreSQL database: an API-like process that only pushes work
/// (<c>AddIndexingClient</c>) and worker processes (<c>AddIndexingWorker</c>), each with a data
/// folder of its own. Skipped without <see cref="PostgresTestDatabase.Variable"/>.
/// </summary>
public sealed class PostgreSqlDeploymentTests(EmbedderFixture fixture) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _directory = new();
    private readonly PostgresTestDatabase _server = new();
    private readonly FakeFeed _feed = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiAndWorker_OnOnePostgreSqlDatabase_TheWorkerAppliesWhatTheApiPushesAndTheApiReadsTheStatus()
    {
        var database = Settings(PostgresTestDatabase.ConnectionString);
        _feed.Add("catalog.jsonl", Products.Feed(10, badLines: []));
        using var worker = BuildWorker("worker", database, index: null);
        using var api = BuildClient("api", database);
        await worker.StartAsync(Token);
        await api.StartAsync(Token);
        var scheduler = api.Services.GetRequiredService<IndexingJobScheduler>();
        var apiStatuses = api.Services.GetRequiredService<JobStatusStore>();

        var reindex = await scheduler.EnqueueReindexAsync("catalog.jsonl", null, Token);
        var rebuilt = await WaitFinishedAsync(apiStatuses, reindex);
        var upsert = await scheduler.EnqueueUpsertAsync([Products.Make("pushed", "Folding camping chair")], Token);
        var delete = await scheduler.EnqueueDeleteAsync(["p-1"], Token);
        var upserted = await WaitFinishedAsync(apiStatuses, upsert.JobId);
        var deleted = await WaitFinishedAsync(apiStatuses, delete.JobId);

        Assert.Equal(JobState.Succeeded, rebuilt.State);
        Assert.Equal(10, rebuilt.Accepted);
        Assert.Equal(JobState.Succeeded, upserted.State);
        Assert.Equal(JobState.Succeeded, deleted.State);
        Assert.Equal(rebuilt.Generation, upserted.Generation);
        var index = worker.Services.GetRequiredService<IProductIndex>();
        Assert.Equal("Folding camping chair", (await index.GetAsync(null, "pushed", Token))!.Product.Title);
        Assert.Null(await index.GetAsync(null, "p-1", Token));
        var seenByWorker = await worker.Services.GetRequiredService<JobStatusStore>().GetAsync(upsert.JobId, Token);
        Assert.Equal(upserted with { BadRecords = seenByWorker!.BadRecords }, seenByWorker);
        Assert.NotNull((await worker.Services.GetRequiredService<PendingBatchStore>().GetAsync(upsert.BatchId, Token))!.AppliedAt);
        Assert.StartsWith("PostgreSQL ", apiStatuses.Location, StringComparison.Ordinal);

        // Nothing of the job layer on either process's disk.
        foreach (var folder in new[] { "api", "worker" })
        {
            var data = Path.Combine(_directory.Path, folder, "data");
            Assert.False(File.Exists(Path.Combine(data, "batches.db")), $"{folder} wrote batches.db");
            Assert.False(File.Exists(Path.Combine(data, "jobs.db")), $"{folder} wrote jobs.db");
            Assert.False(File.Exists(Path.Combine(data, "hangfire.db")), $"{folder} wrote hangfire.db");
        }

        await api.StopAsync(Token);
        await worker.StopAsync(Token);
    }

    [Fact]
    public async Task TwoWorkersOnOneSharedIndex_PushesOfOneProductFromTheApi_EndWithTheLastOne()
    {
        var database = Settings(PostgresTestDatabase.ConnectionString);
        _feed.Add("catalog.jsonl", Products.Feed(4, badLines: []));

        // One index both workers write to, standing in for Qdrant (an embedded index is per process).
        using var shared = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = Path.Combine(_directory.Path, "shared-index") });
        using var first = BuildWorker("worker-1", database, shared);
        using var second = BuildWorker("worker-2", database, shared);
        using var api = BuildClient("api", database);
        await Task.WhenAll(first.StartAsync(Token), second.StartAsync(Token), api.StartAsync(Token));
        var scheduler = api.Services.GetRequiredService<IndexingJobScheduler>();
        var statuses = api.Services.GetRequiredService<JobStatusStore>();
        Assert.Equal(JobState.Succeeded, (await WaitFinishedAsync(statuses, await scheduler.EnqueueReindexAsync("catalog.jsonl", null, Token))).State);

        var pushes = new List<ScheduledBatch>();
        for (var i = 1; i <= 12; i++)
        {
            pushes.Add(i % 4 == 0
                ? await scheduler.EnqueueDeleteAsync(["x"], Token)
                : await scheduler.EnqueueUpsertAsync([Products.Make("x", $"Kettle, edition {i}")], Token));
        }

        pushes.Add(await scheduler.EnqueueUpsertAsync([Products.Make("x", "Kettle, final edition")], Token));
        foreach (var push in pushes)
        {
            Assert.Equal(JobState.Succeeded, (await WaitFinishedAsync(statuses, push.JobId)).State);
        }

        Assert.Equal("Kettle, final edition", (await shared.GetAsync(null, "x", Token))!.Product.Title);
        Assert.Empty(await api.Services.GetRequiredService<PendingBatchStore>().ListUnappliedThroughAsync(long.MaxValue, cancellationToken: Token));
        await Task.WhenAll(api.StopAsync(Token), first.StopAsync(Token), second.StopAsync(Token));
    }

    public void Dispose()
    {
        _server.Dispose();
        _directory.Dispose();
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

    /// <summary>One database for every process of a test: Hangfire's schema and ours, both new.</summary>
    private Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Worker:Storage"] = "postgresql",
        ["Worker:PostgreSqlSchema"] = _server.NewSchema("hangfire_test"),
        ["Worker:PostgreSqlStoreSchema"] = _server.NewSchema("store_test"),
        ["Worker:InvisibilityTimeout"] = "00:00:30",
        ["ConnectionStrings:Hangfire"] = connectionString,
        ["Worker:DataDirectory"] = "data",
        ["Worker:RetryBaseDelay"] = "00:00:00",
    };

    private HostApplicationBuilder Builder(string folder, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = Directory.CreateDirectory(Path.Combine(_directory.Path, folder)).FullName,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    /// <summary>As the query API wires it: pushes and reads statuses, runs no jobs.</summary>
    private IHost BuildClient(string folder, Dictionary<string, string?> settings)
    {
        var builder = Builder(folder, settings);

        // The API has an index of its own (the failure filter needs one); it is not the worker's.
        builder.Services.AddSingleton<IProductIndex>(_ => EmbeddedProductIndex.CreateInMemory());
        builder.Services.AddIndexingClient();
        return builder.Build();
    }

    /// <summary>A worker process with its own data folder; its own embedded index unless <paramref name="index"/> is given.</summary>
    private IHost BuildWorker(string folder, Dictionary<string, string?> settings, IProductIndex? index)
    {
        var builder = Builder(folder, settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:WorkerCount"] = "2",
            ["Worker:BatchSize"] = "8",
            ["Index:Embedded:DataDirectory"] = "index",
        });
        builder.Services.AddSingleton<IProductEmbedder>(new OnnxProductEmbedder(fixture.Embedder));
        builder.Services.AddSingleton(new ProductTextComposer());
        builder.Services.AddSingleton<ICatalogFeedSource>(_feed);
        if (index is null)
        {
            builder.Services.AddEmbeddedProductIndex();
        }
        else
        {
            builder.Services.AddSingleton(index);
        }

        builder.Services.AddIndexingWorker();
        return builder.Build();
    }
}
