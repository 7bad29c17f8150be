using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Worker;
using VectorIndexer.Worker.Dashboard;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the indexing worker.</summary>
public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the indexing worker: everything of <c>AddIndexingClient()</c>, the indexing jobs
    /// and a Hangfire server running them. Needs, registered by the host: the embedding engine
    /// (<c>AddEmbedding()</c>), an <c>IProductIndex</c> and, to read feeds other than files, an
    /// <see cref="VectorIndexer.Worker.Feeds.ICatalogFeedSource"/>. Hangfire's storage, job activator
    /// and job filters are this container's own (not Hangfire's process-wide statics), so two hosts
    /// in one process do not share them.
    /// </summary>
    public static IServiceCollection AddIndexingWorker(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<JobContextAccessor>();
        services.TryAddSingleton<IndexingFailureFilter>();
        services.TryAddSingleton<WorkerDashboardAuthorizationFilter>();
        services.AddIndexingClient();
        services.TryAddSingleton<IndexingWorkerMarker>();

        // The worker's filters, replacing the client's provider whichever of the two was added first.
        services.Replace(ServiceDescriptor.Singleton<IJobFilterProvider>(sp =>
        {
            var own = new JobFilterCollection
            {
                sp.GetRequiredService<IndexingFailureFilter>(),
                new JobContextFilter(sp.GetRequiredService<JobContextAccessor>()),
            };
            return new JobFilterProviderCollection(JobFilterProviders.Providers, own);
        }));
        services.TryAddSingleton<VectorIndexer.Worker.Feeds.ICatalogFeedSource, VectorIndexer.Worker.Feeds.CatalogFeedSource>();

        // Hangfire stops jobs within its shutdown timeout; the host must wait longer than that.
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
        {
            var needed = worker.Value.ShutdownTimeout + TimeSpan.FromSeconds(15);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });

        services.TryAddSingleton<IProductEmbedder>(sp => new OnnxProductEmbedder(sp.GetRequiredService<OnnxEmbedder>()));
        services.TryAddSingleton<ProductIndexer>();
        services.TryAddSingleton<BatchApplier>();
        services.TryAddSingleton<PendingBatchRunner>();
        services.TryAddTransient<FullReindexJob>();
        services.TryAddTransient<UpsertProductsJob>();
        services.TryAddTransient<DeleteProductsJob>();
        services.TryAddTransient<NeighboursExportJob>();

        // The contracts the scheduler enqueues (the classes above serve jobs recorded by class name).
        services.TryAddTransient<IFullReindexJob, FullReindexJob>();
        services.TryAddTransient<IUpsertProductsJob, UpsertProductsJob>();
        services.TryAddTransient<IDeleteProductsJob, DeleteProductsJob>();
        services.TryAddTransient<INeighboursExportJob, NeighboursExportJob>();

        // Before the Hangfire server, so orphaned jobs are back in the queue when it starts fetching.
        services.AddHostedService<WorkerStartup>();
        services.AddHangfireServer((sp, server) =>
        {
            var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            server.WorkerCount = options.WorkerCount;
            server.ShutdownTimeout = options.ShutdownTimeout;
            server.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkerServiceCollectionExtensions).FullName!);
            var postgres = options.Storage == WorkerStorage.PostgreSql;
            Log.ServerConfigured(logger, options.WorkerCount, postgres ? "PostgreSQL" : "SQLite", options.EffectiveInvisibilityTimeout, postgres && options.UseSlidingInvisibilityTimeout, options.ShutdownTimeout);
        });
        return services;
    }
}

/// <summary>
/// At start: creates the worker's PostgreSQL tables (PostgreSQL storage), requeues jobs orphaned
/// by a dead worker (SQLite storage), then puts the recurring reindex in line with configuration.
/// </summary>
internal sealed class WorkerStartup : IHostedService
{
    private readonly IndexingJobScheduler _scheduler;
    private readonly JobStorage _storage;
    private readonly IBackgroundJobClient _jobs;
    private readonly WorkerOptions _options;
    private readonly ILogger _logger;

    private readonly PendingBatchStore _batches;
    private readonly JobStatusStore _statuses;
    private readonly IServiceProvider _services;

    public WorkerStartup(IndexingJobScheduler scheduler, JobStorage storage, IBackgroundJobClient jobs, PendingBatchStore batches, JobStatusStore statuses, IOptions<WorkerOptions> options, ILogger<WorkerStartup> logger, IServiceProvider services)
    {
        _batches = batches;
        _statuses = statuses;
        _scheduler = scheduler;
        _storage = storage;
        _jobs = jobs;
        _options = options.Value;
        _logger = logger;
        _services = services;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Storage == WorkerStorage.PostgreSql)
        {
            // The worker's tables exist before its first job: a database that cannot be reached or
            // migrated stops the worker at start rather than failing its jobs one by one. (Resolved
            // here, not injected: it exists only with PostgreSQL storage.)
            await _services.GetRequiredService<PostgreSqlWorkerDatabase>().EnsureCreatedAsync(cancellationToken);
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.StoresConfigured(_logger, _batches.Location, _statuses.Location);
        }

        if (_options.Storage == WorkerStorage.Sqlite && _options.RequeueOrphanedJobsAtStart)
        {
            // No server of this process runs yet, and SQLite storage has one worker process: whatever
            // is still processing, or was fetched from its queue and not yet moved to processing
            // (a kill in between leaves it enqueued but invisible for the whole invisibility timeout),
            // was left by a worker that died, and so is every distributed lock still held (a requeued
            // reindex would otherwise wait out the dead holder's lock expiry, then its own retry).
            foreach (var resource in HangfireSqliteLeftovers.ReleaseLocks(_services.GetRequiredService<WorkerPaths>().HangfireDatabase))
            {
                Log.LeftLockReleased(_logger, resource);
            }

            foreach (var jobId in OrphanedJobs())
            {
                if (_jobs.Requeue(jobId))
                {
                    Log.OrphanRequeued(_logger, jobId);
                }
            }
        }

        _scheduler.ConfigureRecurringReindex();
        _scheduler.ConfigureNeighboursExport();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Jobs processing, and jobs fetched from a queue while still enqueued; each once.</summary>
    private List<string> OrphanedJobs()
    {
        var processing = _storage.GetMonitoringApi().ProcessingJobs(0, 10_000).Select(j => j.Key);
        var fetched = HangfireSqliteLeftovers.EnqueuedButFetched(_services.GetRequiredService<WorkerPaths>().HangfireDatabase);
        return processing.Concat(fetched).Distinct(StringComparer.Ordinal).ToList();
    }
}
