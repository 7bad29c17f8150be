using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Security;
using VectorIndexer.Worker;
using VectorIndexer.Worker.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the client of the indexing worker: what enqueues its jobs and reads their state.</summary>
public static class IndexingClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds what a process needs to push work to the indexing worker without running jobs itself
    /// (the query API in a separate container): <see cref="WorkerOptions"/> (section <c>Worker</c>,
    /// validated at start), Hangfire's client on the configured storage, the durable
    /// <see cref="PendingBatchStore"/> and <see cref="JobStatusStore"/> (SQLite files under the data
    /// directory, or with <c>Worker:Storage=postgresql</c> tables in the same database as Hangfire's,
    /// so the API and the workers see the same batches and statuses), and the
    /// <see cref="IndexingJobScheduler"/>. Safe to call more than once; <c>AddIndexingWorker()</c>
    /// (VectorIndexer.Worker) calls it.
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
            .Validate(o => o.NeighboursExport.K is >= 1 and <= 1_000, "Worker:NeighboursExport:K must be from 1 to 1000.")
            .Validate(o => o.NeighboursExport.DuplicateThreshold is > 0 and <= 1, "Worker:NeighboursExport:DuplicateThreshold must be above 0 and at most 1.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.NeighboursExport.Directory), "Worker:NeighboursExport:Directory must not be empty.")
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
        services.TryAddSingleton(sp => new WorkerPaths(DataDirectory(sp)));
        services.TryAddSingleton(CreateWorkerDatabase);
        services.TryAddSingleton(CreatePendingBatchStore);
        services.TryAddSingleton(CreateJobStatusStore);
        services.TryAddSingleton<IndexingJobScheduler>();

        // Warns at start when this process only enqueues onto SQLite storage that no worker of its own runs.
        services.AddHostedService<IndexingClientStorageCheck>();

        // Registered before AddHangfire, which only adds these when absent: this container's own
        // (AddIndexingWorker replaces the job filter provider with one holding the worker's filters).
        services.TryAddSingleton(CreateStorage);
        services.TryAddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));
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
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IndexingClientServiceCollectionExtensions).FullName!);
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
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IndexingClientServiceCollectionExtensions).FullName!);
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
            ClientLog.StorageConfigured(logger, "PostgreSQL", $"ConnectionStrings:{WorkerOptions.ConnectionStringName}");
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, postgres), postgres);
        }

        var path = sp.GetRequiredService<WorkerPaths>().HangfireDatabase;
        ClientLog.StorageConfigured(logger, "SQLite", path);
        return new SQLiteStorage(path, new SQLiteStorageOptions
        {
            InvisibilityTimeout = options.EffectiveInvisibilityTimeout,
            QueuePollInterval = options.QueuePollInterval,
        });
    }
}

/// <summary>Marks that <see cref="IndexingClientServiceCollectionExtensions.AddIndexingClient"/> ran.</summary>
internal sealed class IndexingClientMarker;

/// <summary>Marks that <c>AddIndexingWorker()</c> ran: this process runs the jobs.</summary>
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
            ClientLog.ClientWithoutLocalWorker(_logger, _services.GetRequiredService<WorkerPaths>().DataDirectory);
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
