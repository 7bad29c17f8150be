namespace VectorIndexer.App.StartupIndexing;

/// <summary>
/// Where the indexing of the catalogue at start stands, as <c>GET /api/app/status</c> returns it.
/// </summary>
/// <param name="Phase"><c>starting</c>, <c>indexing</c>, <c>ready</c>, <c>failed</c> or <c>off</c>.</param>
/// <param name="Message">For a person: what is happening, or what to do.</param>
/// <param name="Processed">Feed records handled so far by the running job.</param>
/// <param name="Total">Records in the feed, when known.</param>
/// <param name="RatePerSecond">Records per second of the running job.</param>
/// <param name="EtaSeconds">Seconds left at that rate, when known.</param>
/// <param name="Products">Products in the live index, once ready.</param>
/// <param name="Embedded">Products embedded at this start (unchanged ones keep their vectors).</param>
/// <param name="JobId">The reindex job started at this start, if any.</param>
/// <param name="Generation">The live generation, once ready.</param>
/// <param name="UpdatedAt">When this was last updated.</param>
public sealed record StartupIndexingStatus(
    string Phase,
    string Message,
    long Processed,
    long? Total,
    double RatePerSecond,
    double? EtaSeconds,
    long? Products,
    long Embedded,
    string? JobId,
    string? Generation,
    DateTimeOffset UpdatedAt)
{
    public const string Starting = "starting";
    public const string Indexing = "indexing";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Off = "off";

    public bool IsFinished => Phase is Ready or Failed or Off;
}

/// <summary>The current <see cref="StartupIndexingStatus"/>; written by the startup indexer, read by the status endpoint.</summary>
public sealed class StartupIndexingState
{
    private readonly TimeProvider _time;
    private StartupIndexingStatus _current;

    public StartupIndexingState(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _current = new StartupIndexingStatus(StartupIndexingStatus.Starting, "Starting: loading the model and opening the index.", 0, null, 0, null, null, 0, null, null, time.GetUtcNow());
    }

    public StartupIndexingStatus Current => Volatile.Read(ref _current);

    internal void Set(StartupIndexingStatus status) => Volatile.Write(ref _current, status with { UpdatedAt = _time.GetUtcNow() });
}
