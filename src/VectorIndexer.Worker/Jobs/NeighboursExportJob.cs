using System.Diagnostics;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;
using VectorIndexer.Worker.Similarity;

namespace VectorIndexer.Worker.Jobs;

/// <summary>
/// Writes the live generation's similarity graph to <c>Worker:NeighboursExport:Directory</c>:
/// <c>neighbours-{generation}-k{k}.jsonl</c> (each product's nearest products) and
/// <c>near-duplicates-{generation}.jsonl</c> (groups above <c>DuplicateThreshold</c>), each moved
/// into place when complete, so a failed or cancelled run leaves the previous files. The
/// generation is named in the files, so an export never mixes two; running it twice rewrites the
/// same files.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class NeighboursExportJob : INeighboursExportJob
{
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(10);

    private readonly IProductIndex _index;
    private readonly NeighboursExportOptions _options;
    private readonly string _directory;
    private readonly ILogger _logger;

    public NeighboursExportJob(IProductIndex index, IOptions<WorkerOptions> options, WorkerPaths paths, ILogger<NeighboursExportJob>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        _index = index;
        _options = options.Value.NeighboursExport;
        _directory = Path.GetFullPath(_options.Directory, paths.DataDirectory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The files of the last export of <paramref name="generation"/>.</summary>
    public (string Neighbours, string Duplicates) PathsFor(string generation, int k) =>
        (Path.Combine(_directory, $"neighbours-{generation}-k{k}.jsonl"), Path.Combine(_directory, $"near-duplicates-{generation}.jsonl"));

    /// <exception cref="IndexingJobException">No generation is live, or k is out of range; not retried.</exception>
    [JobDisplayName("Export neighbours (k = {0})")]
    [DisableConcurrentExecution(30)]
    public async Task RunAsync(int k, bool sameCategory, CancellationToken cancellationToken)
    {
        var request = new NeighbourRequest(k, sameCategory);
        try
        {
            request.ThrowIfInvalid();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new IndexingJobException($"The neighbours export cannot run: {ex.Message}", ex);
        }

        var live = await _index.GetLiveGenerationAsync(cancellationToken)
            ?? throw new IndexingJobException("The neighbours export needs a live generation; run a full reindex first.");
        var total = await _index.CountAsync(live.Name, cancellationToken: cancellationToken);
        var (neighboursPath, duplicatesPath) = PathsFor(live.Name, k);
        var lastLog = Stopwatch.StartNew();
        var progress = new InlineProgress(p =>
        {
            if (lastLog.Elapsed >= ProgressLogInterval && _logger.IsEnabled(LogLevel.Information))
            {
                lastLog.Restart();
                var rate = p.Done / Math.Max(p.Elapsed.TotalSeconds, 1e-3);
                var eta = TimeSpan.FromSeconds(Math.Max(0, p.Total - p.Done) / Math.Max(rate, 1e-3));
                Log.NeighboursProgress(_logger, live.Name, p.Done, p.Total, eta);
            }
        });

        // The generation is named: a switch during the export does not mix two generations' products.
        var summary = await NeighboursExport.WriteAsync(_index, live.Name, request, neighboursPath, (duplicatesPath, _options.DuplicateThreshold), total, progress, cancellationToken);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.NeighboursExported(_logger, live.Name, summary.Products, k, summary.DuplicateGroups, summary.Elapsed.TotalSeconds, neighboursPath);
        }
    }

    /// <summary>Reports on the caller's thread.</summary>
    private sealed class InlineProgress(Action<NeighboursExportProgress> report) : IProgress<NeighboursExportProgress>
    {
        public void Report(NeighboursExportProgress value) => report(value);
    }
}
