using Hangfire;
using Hangfire.Common;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Jobs;

namespace VectorIndexer.Worker.Tests;

public sealed class RegistrationTests(EmbedderFixture fixture) : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void AddIndexingWorker_Defaults_UseSqliteUnderTheDataDirectoryAndLiftTheHostShutdownTimeout()
    {
        using var provider = Build([]);

        var storage = provider.GetRequiredService<JobStorage>();
        var options = provider.GetRequiredService<IOptions<WorkerOptions>>().Value;

        Assert.IsType<SQLiteStorage>(storage);
        Assert.Equal(WorkerStorage.Sqlite, options.Storage);
        Assert.Null(options.RecurringReindex.Cron);
        Assert.Equal(Path.Combine(_directory.Path, "data", "worker"), provider.GetRequiredService<WorkerPaths>().DataDirectory);
        Assert.True(File.Exists(Path.Combine(_directory.Path, "data", "worker", "hangfire.db")));
        Assert.True(provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout > options.ShutdownTimeout);
    }

    [Fact]
    public void AddIndexingWorker_PostgreSqlWithoutConnectionString_FailsValidationNamingTheSetting()
    {
        using var provider = Build(new() { ["Worker:Storage"] = "postgresql" });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WorkerOptions>>().Value);

        Assert.Contains("ConnectionStrings:Hangfire", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIndexingWorker_PostgreSql_BuildsPostgreSqlStorageWithSlidingInvisibility()
    {
        using var provider = Build(new()
        {
            ["Worker:Storage"] = "PostgreSql",
            ["ConnectionStrings:Hangfire"] = "Host=127.0.0.1;Port=1;Database=hangfire;Username=u;Password=secret",
        });

        var options = provider.GetRequiredService<IOptions<WorkerOptions>>().Value;

        Assert.Equal(WorkerStorage.PostgreSql, options.Storage);
        Assert.True(options.UseSlidingInvisibilityTimeout);
        Assert.Equal("hangfire", options.PostgreSqlSchema);
        Assert.Equal("vectorindexer", options.PostgreSqlStoreSchema);
    }

    [Fact]
    public void AddIndexingWorker_PostgreSql_KeepsTheStoresInTheDatabaseNotTheDataDirectory()
    {
        using var provider = Build(new()
        {
            ["Worker:Storage"] = "postgresql",
            ["Worker:PostgreSqlStoreSchema"] = "shop_index",
            ["ConnectionStrings:Hangfire"] = "Host=127.0.0.1;Port=1;Database=hangfire;Username=u;Password=secret",
        });

        // Resolving connects to nothing: the tables are created on first use.
        var batches = provider.GetRequiredService<VectorIndexer.Worker.Storage.PendingBatchStore>();
        var statuses = provider.GetRequiredService<VectorIndexer.Worker.Storage.JobStatusStore>();

        Assert.Equal("PostgreSQL \"shop_index\".pending_batches", batches.Location);
        Assert.Equal("PostgreSQL \"shop_index\".job_statuses", statuses.Location);
        Assert.DoesNotContain("secret", batches.Location, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "data", "worker", "batches.db")));
        Assert.False(File.Exists(Path.Combine(_directory.Path, "data", "worker", "jobs.db")));
    }

    [Fact]
    public void AddIndexingWorker_Sqlite_KeepsTheStoresUnderTheDataDirectory()
    {
        using var provider = Build([]);

        var batches = provider.GetRequiredService<VectorIndexer.Worker.Storage.PendingBatchStore>();
        var statuses = provider.GetRequiredService<VectorIndexer.Worker.Storage.JobStatusStore>();

        Assert.Equal(Path.Combine(_directory.Path, "data", "worker", "batches.db"), batches.Location);
        Assert.Equal(Path.Combine(_directory.Path, "data", "worker", "jobs.db"), statuses.Location);
    }

    [Theory]
    [InlineData("Worker:BatchSize", "0", "BatchSize")]
    [InlineData("Worker:MaxRejectedShare", "1.5", "MaxRejectedShare")]
    [InlineData("Worker:WorkerCount", "0", "WorkerCount")]
    [InlineData("Worker:Dashboard:ApiKey", "short", "ApiKey")]
    [InlineData("Worker:Dashboard:Username", "ops", "Password")]
    [InlineData("Worker:RecurringReindex:Cron", "0 3 * * *", "FeedLocation")]
    [InlineData("Worker:PostgreSqlSchema", "Drop Table", "PostgreSqlSchema")]
    [InlineData("Worker:PostgreSqlStoreSchema", "x\"; drop", "PostgreSqlStoreSchema")]
    public void AddIndexingWorker_BadSetting_FailsValidationNamingIt(string key, string value, string named)
    {
        using var provider = Build(new() { [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WorkerOptions>>().Value);

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIndexingWorker_AfterItsContainerIsDisposed_HangfireStillWorksInTheProcess()
    {
        // Hangfire keeps its log provider in a process-wide static that AddHangfire points at this
        // container's logger factory; Hangfire.NetCore's own provider throws once that is disposed.
        using (var provider = Build([]))
        {
            provider.GetRequiredService<IGlobalConfiguration>();
        }

        using var storage = new Hangfire.InMemory.InMemoryStorage();

        Assert.NotNull(storage.GetMonitoringApi());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddIndexingWorker_ResolvesTheJobContracts_AndItsFiltersApply_EvenAfterAddIndexingClient(bool clientFirst)
    {
        using var provider = Build(new() { ["Worker:DataDirectory"] = "worker" }, clientFirst);

        using var scope = provider.CreateScope();
        Assert.IsType<FullReindexJob>(scope.ServiceProvider.GetRequiredService<IFullReindexJob>());
        Assert.IsType<UpsertProductsJob>(scope.ServiceProvider.GetRequiredService<IUpsertProductsJob>());
        Assert.IsType<DeleteProductsJob>(scope.ServiceProvider.GetRequiredService<IDeleteProductsJob>());

        // What Hangfire sees for a reindex recorded by its contract: the worker's failure filter, the
        // contract's lock and no automatic retry.
        var job = Job.FromExpression<IFullReindexJob>(j => j.RunAsync("feed.jsonl", null, CancellationToken.None));
        var filters = provider.GetRequiredService<IJobFilterProvider>().GetFilters(job).Select(f => f.Instance).ToList();
        Assert.Contains(filters, f => f is IndexingFailureFilter);
        Assert.Contains(filters, f => f is DisableConcurrentExecutionAttribute);
        Assert.Contains(filters, f => f is AutomaticRetryAttribute { Attempts: 0 });
    }

    public void Dispose() => _directory.Dispose();

    private ServiceProvider Build(Dictionary<string, string?> settings, bool clientFirst = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(Environments.Production) { ContentRootPath = _directory.Path });
        services.AddSingleton<IProductEmbedder>(new OnnxProductEmbedder(fixture.Embedder));
        services.AddSingleton(new ProductTextComposer());
        services.AddSingleton<IProductIndex>(EmbeddedProductIndex.CreateInMemory());
        services.AddSingleton<ICatalogFeedSource>(new FakeFeed());
        if (clientFirst)
        {
            services.AddIndexingClient();
        }

        services.AddIndexingWorker();
        return services.BuildServiceProvider();
    }
}
