using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Security;
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
    /// Adds what a process needs to push work to the indexing worker without running jobs itself
    /// (the query API in a separate container): <see cref="WorkerOptions"/> (section <c>Worker</c>,
    /// validated at start), Hangfire's client on the configured storage, the durable
    /// <see cref="PendingBatchStore"/> and <see cref="JobStatusStore"/> (SQLite files under the data
    /// directory, or with <c>Worker:Storage=postgresql</c> tables in the same database as Hangfire's,
    /// so the API and the workers see the same batches and statuses), and the
    /// <see cref="IndexingJobScheduler"/>. Needs an <c>IProductIndex</c> (the failure filter reads it).
    /// Safe to call more than once; <see cref="AddIndexingWorker"/> calls it.
    /// </summary>
    public static IServiceCollection AddIndexingClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(IndexingClientMarker)))
        {
            return services;
        }

        services.AddSingleton<IndexingClientMarker>();
        services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Enum.IsDefined(o.Storage), "Worker:Storage must be sqlite or postgresql.")
            .Validate(o => o.Dashboard.ApiKey is null || o.Dashboard.ApiKey.Length >= 16, "Worker:Dashboard:ApiKey must be at least 16 characters.")
            .Validate(o => string.IsNullOrEmpty(o.Dashboard.Username) == string.IsNullOrEmpty(o.Dashboard.Password), "Worker:Dashboard:Username and Worker:Dashboard:Password must be set together.")
            .Validate(o => string.IsNullOrEmpty(o.Dashboard.Password) || o.Dashboard.Password.Length >= 12, "Worker:Dashboard:Password must be at least 12 characters.")
            .Validate(
                o => o.Dashboard.FailedAttempts.PermitLimit is >= FailedAttemptOptions.MinPermitLimit and <= FailedAttemptOptions.MaxPermitLimit,
                $"Worker:Dashboard:FailedAttempts:PermitLimit must be between {FailedAttemptOptions.MinPermitLimit} and {FailedAttemptOptions.MaxPermitLimit}.")
            .Validate(
                o => o.Dashboard.FailedAttempts.Window >= FailedAttemptOptions.MinWindow && o.Dashboard.FailedAttempts.Window <= FailedAttemptOptions.MaxWindow,
                "Worker:Dashboard:FailedAttempts:Window must be between 00:00:01 and 1.00:00:00.")
            .Validate(o => !o.RecurringReindex.IsEnabled || !string.IsNullOrWhiteSpace(o.RecurringReindex.FeedLocation), "Worker:RecurringReindex:FeedLocation is required when Worker:RecurringReindex:Cron is set.")
            .Validate<IConfiguration>(
                (o, configuration) => o.Storage != WorkerStorage.PostgreSql || !string.IsNullOrWhiteSpace(configuration.GetConnectionString(WorkerOptions.ConnectionStringName)),
                $"Worker:Storage is postgresql but ConnectionStrings:{WorkerOptions.ConnectionStringName} is not set.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobContextAccessor>();
        services.TryAddSingleton(sp => new WorkerPaths(DataDirectory(sp)));
        services.TryAddSingleton(CreateWorkerDatabase);
        services.TryAddSingleton(CreatePendingBatchStore);
        services.TryAddSingleton(CreateJobStatusStore);
        services.TryAddSingleton<IndexingFailureFilter>();
        services.TryAddSingleton<IndexingJobScheduler>();
        services.TryAddSingleton<WorkerDashboardAuthorizationFilter>();

        // Warns at start when this process only enqueues onto SQLite storage that no worker of its own runs.
        services.AddHostedService<IndexingClientStorageCheck>();

        // Registered before AddHangfire, which only adds these when absent: this container's own.
        services.TryAddSingleton(CreateStorage);
        services.TryAddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.TryAddSingleton<IJobFilterProvider>(sp =>
        {
            var own = new JobFilterCollection
            {
                sp.GetRequiredService<IndexingFailureFilter>(),
                new JobContextFilter(sp.GetRequiredService<JobContextAccessor>()),
            };
            return new JobFilterProviderCollection(JobFilterProviders.Providers, own);
        });
        services.AddHangfire((sp, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));
        return services;
    }

    /// <summary>
    /// Adds the indexing worker: everything of <see cref="AddIndexingClient"/>, the indexing jobs
    /// and a Hangfire server running them. Needs, registered by the host: the embedding engine
    /// (<c>AddEmbedding()</c>), an <c>IProductIndex</c> and, to read feeds other than files, an
    /// <see cref="VectorIndexer.Worker.Feeds.ICatalogFeedSource"/>. Hangfire's storage, job activator
    /// and job filters are this container's own (not Hangfire's process-wide statics), so two hosts
    /// in one process do not share them.
    /// </summary>
    public static IServiceCollection AddIndexingWorker(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddIndexingClient();
        services.TryAddSingleton<IndexingWorkerMarker>();
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

    private static string DataDirectory(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var contentRoot = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
        var directory = Path.GetFullPath(options.DataDirectory, contentRoot);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static PostgreSqlWorkerDatabase CreateWorkerDatabase(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(WorkerOptions.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{WorkerOptions.ConnectionStringName} is not set.");
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkerServiceCollectionExtensions).FullName!);
        return new PostgreSqlWorkerDatabase(connectionString, options.PostgreSqlStoreSchema, logger);
    }

    private static PendingBatchStore CreatePendingBatchStore(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var store = options.Storage == WorkerStorage.PostgreSql
            ? new PendingBatchStore(new PostgreSqlPendingBatchBackend(sp.GetRequiredService<PostgreSqlWorkerDatabase>()), sp.GetService<TimeProvider>())
            : new PendingBatchStore(Path.Combine(sp.GetRequiredService<WorkerPaths>().DataDirectory, "batches.db"), sp.GetService<TimeProvider>());
        return store;
    }

    private static JobStatusStore CreateJobStatusStore(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
        return options.Storage == WorkerStorage.PostgreSql
            ? new JobStatusStore(new PostgreSqlJobStatusBackend(sp.GetRequiredService<PostgreSqlWorkerDatabase>()), sp.GetService<TimeProvider>())
            : new JobStatusStore(Path.Combine(sp.GetRequiredService<WorkerPaths>().DataDirectory, "jobs.db"), sp.GetService<TimeProvider>());
    }

    private static JobStorage CreateStorage(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkerServiceCollectionExtensions).FullName!);
        if (options.Storage == WorkerStorage.PostgreSql)
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(WorkerOptions.ConnectionStringName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{WorkerOptions.ConnectionStringName} is not set.");
            var postgres = new PostgreSqlStorageOptions
            {
                PrepareSchemaIfNecessary = true,
                SchemaName = options.PostgreSqlSchema,
                InvisibilityTimeout = options.EffectiveInvisibilityTimeout,
                UseSlidingInvisibilityTimeout = options.UseSlidingInvisibilityTimeout,
            };
            // The connection string is never logged: it holds the password.
            Log.StorageConfigured(logger, "PostgreSQL", $"ConnectionStrings:{WorkerOptions.ConnectionStringName}");
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, postgres), postgres);
        }

        var path = sp.GetRequiredService<WorkerPaths>().HangfireDatabase;
        Log.StorageConfigured(logger, "SQLite", path);
        return new SQLiteStorage(path, new SQLiteStorageOptions
        {
            InvisibilityTimeout = options.EffectiveInvisibilityTimeout,
            QueuePollInterval = options.QueuePollInterval,
        });
    }
}

/// <summary>Marks that <see cref="WorkerServiceCollectionExtensions.AddIndexingClient"/> ran.</summary>
internal sealed class IndexingClientMarker;

/// <summary>Marks that <see cref="WorkerServiceCollectionExtensions.AddIndexingWorker"/> ran: this process runs the jobs.</summary>
internal sealed class IndexingWorkerMarker;

/// <summary>
/// At start of a process that only enqueues (<c>AddIndexingClient()</c> without
/// <c>AddIndexingWorker()</c>) on SQLite storage, outside Development: warns that its pushes are run
/// only by a worker host on the same machine sharing <c>Worker:DataDirectory</c>.
/// </summary>
internal sealed class IndexingClientStorageCheck : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly WorkerOptions _options;
    private readonly ILogger _logger;

    public IndexingClientStorageCheck(IServiceProvider services, IOptions<WorkerOptions> options, ILogger<IndexingClientStorageCheck> logger)
    {
        _services = services;
        _options = options.Value;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var development = _services.GetService<IHostEnvironment>()?.IsDevelopment() == true;
        if (_options.Storage == WorkerStorage.Sqlite && !development && _services.GetService<IndexingWorkerMarker>() is null)
        {
            Log.ClientWithoutLocalWorker(_logger, _services.GetRequiredService<WorkerPaths>().DataDirectory);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The worker's resolved data folder.</summary>
public sealed record WorkerPaths(string DataDirectory)
{
    /// <summary>Hangfire's SQLite job storage (with <c>Worker:Storage=sqlite</c>).</summary>
    public string HangfireDatabase => Path.Combine(DataDirectory, "hangfire.db");
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
