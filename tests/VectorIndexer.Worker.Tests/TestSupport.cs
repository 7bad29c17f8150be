using System.Runtime.CompilerServices;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Worker.Feeds;
using VectorIndexer.Worker.Jobs;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>The real embedder, counting the texts it embeds.</summary>
internal sealed class CountingEmbedder : IProductEmbedder
{
    private readonly OnnxProductEmbedder _inner;
    private int _texts;

    public CountingEmbedder(EmbedderFixture fixture) => _inner = new OnnxProductEmbedder(fixture.Embedder);

    public IndexModel Model => _inner.Model;

    public int Texts => Volatile.Read(ref _texts);

    /// <summary>Texts it gives a vector one dimension too long, which the index refuses (a failure no retry mends).</summary>
    public Func<string, bool>? Malformed { get; set; }

    /// <summary>Texts whose batch it fails with a timeout (a transient failure) while set.</summary>
    public Func<string, bool>? TimesOut { get; set; }

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (TimesOut is { } timesOut && texts.Any(timesOut))
        {
            throw new TimeoutException("The embedding call timed out.");
        }

        Interlocked.Add(ref _texts, texts.Count);
        var vectors = await _inner.EmbedAsync(texts, cancellationToken);
        if (Malformed is { } malformed)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                if (malformed(texts[i]))
                {
                    vectors[i] = [.. vectors[i], 0f];
                }
            }
        }

        return vectors;
    }
}

/// <summary>An in-memory feed; <see cref="OnItem"/> runs as each item is handed out (1-based position).</summary>
internal sealed class FakeFeed : ICatalogFeedSource
{
    private readonly Dictionary<string, IReadOnlyList<CatalogFeedItem>> _feeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _versions = new(StringComparer.Ordinal);

    public Func<long, Task>? OnItem { get; set; }

    public int Reads { get; private set; }

    /// <summary>Sets the feed at <paramref name="location"/>; each call gives it a new version.</summary>
    public void Add(string location, IReadOnlyList<CatalogFeedItem> items)
    {
        _feeds[location] = items;
        _versions[location] = _versions.GetValueOrDefault(location) + 1;
    }

    public Task<string?> GetVersionAsync(string location, string? mapping, CancellationToken cancellationToken) =>
        Task.FromResult(_versions.TryGetValue(location, out var version) ? $"{location}#{version}:{mapping}" : null);

    public async IAsyncEnumerable<CatalogFeedItem> ReadAsync(string location, string? mapping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Reads++;
        if (!_feeds.TryGetValue(location, out var items))
        {
            throw new FileNotFoundException($"No feed at {location}.", location);
        }

        long position = 0;
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            position++;
            if (OnItem is { } hook)
            {
                await hook(position);
            }

            yield return item;
        }
    }

    public Task<long?> CountAsync(string location, string? mapping, CancellationToken cancellationToken) =>
        Task.FromResult<long?>(_feeds.TryGetValue(location, out var items) ? items.Count : null);
}

internal sealed class FakeLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}

internal sealed class FakeEnvironment : IHostEnvironment
{
    public FakeEnvironment(string name) => EnvironmentName = name;

    public string EnvironmentName { get; set; }

    public string ApplicationName { get; set; } = "VectorIndexer.Worker.Tests";

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}

internal static class Products
{
    public static Product Make(string id, string title, decimal? price = null, string? brand = null) =>
        new() { Id = id, Title = title, Brand = brand, Price = price, Category = ["Home", "Kitchen"] };

    /// <summary>A feed of <paramref name="count"/> products p-1..p-n, with rejections at the given lines.</summary>
    public static List<CatalogFeedItem> Feed(int count, params long[] badLines)
    {
        var items = new List<CatalogFeedItem>();
        for (var line = 1; line <= count; line++)
        {
            items.Add(badLines.Contains(line)
                ? CatalogFeedItem.Rejected(line, $"price is not a number at line {line}")
                : CatalogFeedItem.Accepted(line, Make($"p-{line}", $"Stainless steel kettle model {line}", 10 + line, "Acme")));
        }

        return items;
    }
}

/// <summary>Everything a job needs, on the real embedded index and real stores in a temp folder.</summary>
internal sealed class WorkerHarness : IDisposable
{
    private readonly TempDirectory _directory = new();

    /// <param name="fixture">The shared embedding engine.</param>
    /// <param name="configure">Changes to the default options.</param>
    /// <param name="batches">The pending-batch store; default a SQLite file in the temp folder.</param>
    /// <param name="statuses">The job-status store; default a SQLite file in the temp folder.</param>
    public WorkerHarness(EmbedderFixture fixture, Action<WorkerOptions>? configure = null, PendingBatchStore? batches = null, JobStatusStore? statuses = null)
    {
        var options = new WorkerOptions { BatchSize = 4, DataDirectory = _directory.Path };
        configure?.Invoke(options);
        Options = Microsoft.Extensions.Options.Options.Create(options);
        Embedder = new CountingEmbedder(fixture);
        Index = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = System.IO.Path.Combine(_directory.Path, "index") });
        Batches = batches ?? new PendingBatchStore(System.IO.Path.Combine(_directory.Path, "batches.db"));
        Statuses = statuses ?? new JobStatusStore(System.IO.Path.Combine(_directory.Path, "jobs.db"));
        Indexer = new ProductIndexer(Embedder, new ProductTextComposer(), Index, Options);
        Applier = new BatchApplier(Indexer, Index, Batches);
        Runner = new PendingBatchRunner(Batches, Statuses, Applier, Index, Context);
    }

    public string Path => _directory.Path;

    public IOptions<WorkerOptions> Options { get; }

    public CountingEmbedder Embedder { get; }

    public EmbeddedProductIndex Index { get; }

    public PendingBatchStore Batches { get; }

    public JobStatusStore Statuses { get; }

    public ProductIndexer Indexer { get; }

    public BatchApplier Applier { get; }

    public PendingBatchRunner Runner { get; }

    public JobContextAccessor Context { get; } = new();

    public FakeFeed Feed { get; } = new();

    public FakeLifetime Lifetime { get; } = new();

    /// <summary>How long the reindex waits for the apply lock before its switch; default the job's own.</summary>
    public TimeSpan ApplyLockTimeout { get; set; } = FullReindexJob.DefaultApplyLockTimeout;

    public FullReindexJob ReindexJob() =>
        new(Feed, Indexer, Index, Batches, Applier, Statuses, Context, Options, lifetime: Lifetime) { ApplyLockTimeout = ApplyLockTimeout };

    /// <summary>Runs a reindex as job <paramref name="jobId"/>.</summary>
    public async Task RunReindexAsync(string jobId, string feed, CancellationToken cancellationToken)
    {
        Context.JobId = jobId;
        await ReindexJob().RunAsync(feed, null, cancellationToken);
    }

    public void Dispose()
    {
        Index.Dispose();
        Lifetime.Dispose();
        _directory.Dispose();
    }
}

/// <summary>
/// The SQLite pending-batch backend with fault hooks, to fail a reindex's replay where a real store
/// could fail (a busy database, a lock held too long) and to act just before the apply lock is taken.
/// </summary>
internal sealed class FaultingPendingBatchBackend : IPendingBatchBackend
{
    private readonly SqlitePendingBatchBackend _inner;

    public FaultingPendingBatchBackend(string path) => _inner = new SqlitePendingBatchBackend(path);

    /// <summary>Runs before each apply-lock request (the reindex's and the batch jobs').</summary>
    public Func<Task>? BeforeApplyLock { get; set; }

    /// <summary>Thrown by <see cref="ListAfterAsync"/> while set.</summary>
    public Func<long, Exception?>? ListAfterFault { get; set; }

    /// <summary>Thrown by <see cref="MarkAppliedAsync"/> while set.</summary>
    public Func<string, Exception?>? MarkAppliedFault { get; set; }

    public string Location => _inner.Location;

    /// <summary>A SQLite "database is locked" error, as a busy store raises it (transient).</summary>
    public static Exception Busy() => new Microsoft.Data.Sqlite.SqliteException("SQLite Error 5: 'database is locked'.", 5);

    public Task<long> InsertAsync(string id, PendingBatchKind kind, string payload, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        _inner.InsertAsync(id, kind, payload, createdAt, cancellationToken);

    public Task<PendingBatchRow?> GetAsync(string id, CancellationToken cancellationToken) => _inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<PendingBatchRow>> ListAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        ListAfterFault?.Invoke(afterSequence) is { } fault ? Task.FromException<IReadOnlyList<PendingBatchRow>>(fault) : _inner.ListAfterAsync(afterSequence, limit, cancellationToken);

    public Task<IReadOnlyList<PendingBatchRow>> ListUnappliedThroughAsync(long throughSequence, int limit, CancellationToken cancellationToken) =>
        _inner.ListUnappliedThroughAsync(throughSequence, limit, cancellationToken);

    public Task<long> GetLastSequenceAsync(CancellationToken cancellationToken) => _inner.GetLastSequenceAsync(cancellationToken);

    public Task<long> GetReplayStartAsync(CancellationToken cancellationToken) => _inner.GetReplayStartAsync(cancellationToken);

    public Task MarkAppliedAsync(string id, string generation, DateTimeOffset now, CancellationToken cancellationToken) =>
        MarkAppliedFault?.Invoke(id) is { } fault ? Task.FromException(fault) : _inner.MarkAppliedAsync(id, generation, now, cancellationToken);

    public Task<int> PurgeAppliedAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) => _inner.PurgeAppliedAsync(createdBefore, cancellationToken);

    public Task<bool> ParkAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken) => _inner.ParkAsync(id, reason, now, cancellationToken);

    public Task<IReadOnlyList<PendingBatchRow>> ListParkedAsync(int limit, CancellationToken cancellationToken) => _inner.ListParkedAsync(limit, cancellationToken);

    public Task<PendingBatchRow?> RequeueParkedAsync(string id, string newId, DateTimeOffset now, CancellationToken cancellationToken) => _inner.RequeueParkedAsync(id, newId, now, cancellationToken);

    public Task<bool> DeleteParkedAsync(string id, CancellationToken cancellationToken) => _inner.DeleteParkedAsync(id, cancellationToken);

    public async Task<IAsyncDisposable> AcquireApplyLockAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (BeforeApplyLock is { } hook)
        {
            await hook();
        }

        return await _inner.AcquireApplyLockAsync(timeout, cancellationToken);
    }
}
