using System.Globalization;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Worker;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.App.StartupIndexing;

/// <summary>
/// Once the app has started, indexes the catalogue feed (<c>Worker:RecurringReindex:FeedLocation</c>,
/// the bundled sample by default) as <c>App:IndexAtStart</c> says: with <c>WhenChanged</c>, nothing
/// happens when a generation is live and the catalogue's fingerprint is the one indexed into it;
/// otherwise a full reindex job is enqueued (unchanged products keep their vectors) and followed
/// until it ends, its progress on the console and in <see cref="StartupIndexingState"/>.
/// </summary>
internal sealed partial class StartupIndexer : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProgressLineInterval = TimeSpan.FromSeconds(3);

    private readonly IServiceProvider _services;
    private readonly AppOptions _app;
    private readonly WorkerOptions _worker;
    private readonly StartupIndexingState _state;
    private readonly StartupConsole _console;
    private readonly IndexingCounters _counters;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public StartupIndexer(
        IServiceProvider services,
        IOptions<AppOptions> app,
        IOptions<WorkerOptions> worker,
        StartupIndexingState state,
        StartupConsole console,
        IndexingCounters counters,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILogger<StartupIndexer> logger)
    {
        _services = services;
        _app = app.Value;
        _worker = worker.Value;
        _state = state;
        _console = console;
        _counters = counters;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where the record of the last start's indexing is kept.</summary>
    public string RecordPath => Path.Combine(_app.DataDirectory, StartupIndexRecord.FileName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartAsync(stoppingToken).ConfigureAwait(false);
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; a running reindex is stopped by Hangfire and resumes at the next start.
        }
#pragma warning disable CA1031 // The app keeps serving (and the dashboard can retry); the cause goes to the log.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStartupIndexingFailed(_logger, ex);
            Fail("Indexing the catalogue at start failed; the log says why.");
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_app.IndexAtStart == StartupIndexingMode.Never)
        {
            _state.Set(_state.Current with { Phase = StartupIndexingStatus.Off, Message = "Indexing at start is off (App:IndexAtStart is Never)." });
            _console.WriteLine("Indexing at start is off (App:IndexAtStart is Never).");
            return;
        }

        var feed = _worker.RecurringReindex.FeedLocation!;
        var mapping = _worker.RecurringReindex.Mapping;
        var index = _services.GetRequiredService<IProductIndex>();
        var model = _services.GetRequiredService<IProductEmbedder>().Model;
        var fingerprint = await CatalogueFingerprint.ComputeAsync(
            feed,
            mapping,
            model,
            _services.GetRequiredService<IOptions<EmbeddingOptions>>().Value.MaxLength,
            _services.GetRequiredService<IOptions<ProductTextOptions>>().Value,
            cancellationToken).ConfigureAwait(false);

        var live = await index.GetLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        if (_app.IndexAtStart == StartupIndexingMode.WhenChanged && live is not null && live.Model == model
            && await StartupIndexRecord.ReadAsync(RecordPath, cancellationToken).ConfigureAwait(false) is { } record
            && record.Fingerprint == fingerprint
            && await IndexedIntoAsync(record, cancellationToken).ConfigureAwait(false) == live.Name)
        {
            if (record.Generation is null)
            {
                // The last start's reindex switched but the process ended before the record said so.
                await (record with { Generation = live.Name, IndexedAt = _time.GetUtcNow() }).WriteAsync(RecordPath, cancellationToken).ConfigureAwait(false);
            }

            var products = await index.CountAsync(live.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            var message = string.Create(CultureInfo.InvariantCulture, $"The index is up to date with the catalogue: {products} products, nothing to embed.");
            _state.Set(new StartupIndexingStatus(StartupIndexingStatus.Ready, message, 0, null, 0, null, products, 0, null, live.Name, default));
            _console.WriteLine(message);
            LogUpToDate(_logger, products, live.Name);
            return;
        }

        await ReindexAsync(feed, mapping, fingerprint, live, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReindexAsync(string feed, string? mapping, string fingerprint, IndexGeneration? live, CancellationToken cancellationToken)
    {
        var scheduler = _services.GetRequiredService<IndexingJobScheduler>();
        var statuses = _services.GetRequiredService<JobStatusStore>();
        var index = _services.GetRequiredService<IProductIndex>();
        var embeddedBefore = _counters.ProductsEmbedded;
        var started = _time.GetTimestamp();

        var intro = live is null
            ? "Indexing the catalogue for the first time; searches answer 503 until it is done (the search page shows the progress)."
            : _app.IndexAtStart == StartupIndexingMode.Always
                ? "Reindexing the catalogue (App:IndexAtStart is Always); unchanged products keep their vectors and searches use the current index meanwhile."
                : "The catalogue (or a setting that shapes the vectors) changed since it was indexed: reindexing; unchanged products keep their vectors and searches use the current index meanwhile.";
        _state.Set(new StartupIndexingStatus(StartupIndexingStatus.Indexing, intro, 0, null, 0, null, null, 0, null, live?.Name, default));
        _console.WriteLine(intro);

        var jobId = await scheduler.EnqueueReindexAsync(feed, mapping, cancellationToken).ConfigureAwait(false);
        LogReindexEnqueued(_logger, jobId, feed);

        // Written before the job can switch: should the process end between the switch and the
        // completed record below, the next start learns from the job's own status that this
        // fingerprint is live, instead of rebuilding from the feed (which would undo the batches
        // pushed before that rebuild began).
        await new StartupIndexRecord(fingerprint, null, 0, _time.GetUtcNow(), jobId).WriteAsync(RecordPath, cancellationToken).ConfigureAwait(false);

        JobStatus status;
        var lastLine = TimeSpan.MinValue;
        JobState? lastState = null;
        long lastProcessed = -1;
        while (true)
        {
            if (await statuses.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is { } current)
            {
                status = current;
                var embedded = _counters.ProductsEmbedded - embeddedBefore;
                _state.Set(new StartupIndexingStatus(
                    StartupIndexingStatus.Indexing,
                    Describe(status, forConsole: false),
                    status.Processed,
                    status.Total,
                    status.RatePerSecond,
                    status.Eta?.TotalSeconds,
                    null,
                    embedded,
                    jobId,
                    live?.Name,
                    default));

                var elapsed = _time.GetElapsedTime(started);
                if (status.IsFinished)
                {
                    break;
                }

                if (status.State != lastState || (status.Processed != lastProcessed && elapsed - lastLine >= ProgressLineInterval))
                {
                    _console.WriteLine("  " + Describe(status, forConsole: true));
                    lastLine = elapsed;
                    lastState = status.State;
                    lastProcessed = status.Processed;
                }
            }

            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        var took = _time.GetElapsedTime(started);
        var embeddedNow = _counters.ProductsEmbedded - embeddedBefore;
        if (status.State != JobState.Succeeded)
        {
            _console.WriteLine($"Indexing the catalogue failed: {status.Message}");
            _console.WriteLine("  Fix the feed (Worker:RecurringReindex:FeedLocation) and restart, or start the reindex again from the dashboard.");
            LogReindexFailed(_logger, jobId, status.State.ToString(), status.Message);
            Fail("Indexing the catalogue failed; the console and the job dashboard say why.", jobId, embeddedNow);
            return;
        }

        var generation = status.Generation ?? (await index.GetLiveGenerationAsync(cancellationToken).ConfigureAwait(false))?.Name
            ?? throw new InvalidOperationException($"Reindex {jobId} succeeded but no generation is live.");
        var products = await index.CountAsync(generation, cancellationToken: cancellationToken).ConfigureAwait(false);
        await new StartupIndexRecord(fingerprint, generation, products, _time.GetUtcNow(), jobId).WriteAsync(RecordPath, cancellationToken).ConfigureAwait(false);

        var done = string.Create(
            CultureInfo.InvariantCulture,
            $"Index ready: {products} products in {took.TotalSeconds:F1} s ({embeddedNow} embedded, {Math.Max(0, status.Accepted - embeddedNow)} vectors reused, {status.Rejected} records rejected).");
        _state.Set(new StartupIndexingStatus(StartupIndexingStatus.Ready, done, status.Processed, status.Total, status.RatePerSecond, 0, products, embeddedNow, jobId, generation, default));
        _console.WriteLine(done);
        LogReindexDone(_logger, jobId, products, embeddedNow, took.TotalSeconds);
    }

    /// <summary>
    /// The generation the recorded fingerprint went into: the record's own, or, for a record written
    /// when its reindex was enqueued, the generation that job built once it is live (its status names
    /// the generation before it switches). Null when that is not known.
    /// </summary>
    private async Task<string?> IndexedIntoAsync(StartupIndexRecord record, CancellationToken cancellationToken)
    {
        if (record.Generation is not null || record.JobId is null)
        {
            return record.Generation;
        }

        var status = await _services.GetRequiredService<JobStatusStore>().GetAsync(record.JobId, cancellationToken).ConfigureAwait(false);
        return status?.Generation;
    }

    private void Fail(string message, string? jobId = null, long embedded = 0) =>
        _state.Set(_state.Current with { Phase = StartupIndexingStatus.Failed, Message = message, JobId = jobId ?? _state.Current.JobId, Embedded = embedded });

    /// <summary>Progress in words; the job's own messages (which may quote an exception) only on the console.</summary>
    private static string Describe(JobStatus status, bool forConsole) => status.State switch
    {
        JobState.Enqueued => "Waiting for the worker to pick up the indexing job...",
        JobState.Retrying => forConsole ? "Retrying after a transient failure: " + status.Message : "Retrying after a transient failure (the log says why)...",
        JobState.Interrupted => "Interrupted; resuming from the last checkpoint...",
        JobState.Running when status.Processed == 0 => "Started: embedding the first batch of products...",
        _ when status.Total is > 0 => string.Create(
            CultureInfo.InvariantCulture,
            $"{status.Processed} of {status.Total} products ({100.0 * status.Processed / status.Total.Value:F0}%), {status.RatePerSecond:F0} per second{(status.Eta is { } eta ? $", about {Math.Ceiling(eta.TotalSeconds):F0} s left" : string.Empty)}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{status.Processed} products, {status.RatePerSecond:F0} per second"),
    };

    private Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Catalogue unchanged since it was indexed: {Products} products live in generation {Generation}; nothing to embed")]
    private static partial void LogUpToDate(ILogger logger, long products, string generation);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Reindex {JobId} of {Feed} enqueued at start")]
    private static partial void LogReindexEnqueued(ILogger logger, string jobId, string feed);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Reindex {JobId} at start done: {Products} products live, {Embedded} embedded, in {Seconds:F1} s")]
    private static partial void LogReindexDone(ILogger logger, string jobId, long products, long embedded, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Reindex {JobId} at start ended {State}: {Reason}")]
    private static partial void LogReindexFailed(ILogger logger, string jobId, string state, string? reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Indexing the catalogue at start failed")]
    private static partial void LogStartupIndexingFailed(ILogger logger, Exception exception);
}
