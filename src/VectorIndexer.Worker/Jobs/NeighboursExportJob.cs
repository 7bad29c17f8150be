using System.Diagnostics;
using System.Text.RegularExpressions;
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
/// <c>near-duplicates-{generation}-k{k}.jsonl</c> (groups above <c>DuplicateThreshold</c>;
/// <c>-same-category</c> before <c>.jsonl</c> when neighbours stay within the category), each moved
/// into place when complete, so a failed or cancelled run leaves the previous files. The
/// generation is named in the files, so an export never mixes two; running it twice rewrites the
/// same files; the files of generations since dropped are deleted.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed partial class NeighboursExportJob : INeighboursExportJob
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

    /// <summary>The files of the last export of <paramref name="generation"/> with these settings.</summary>
    public (string Neighbours, string Duplicates) PathsFor(string generation, int k, bool sameCategory = false)
    {
        var settings = $"k{k}{(sameCategory ? "-same-category" : string.Empty)}";
        return (Path.Combine(_directory, $"neighbours-{generation}-{settings}.jsonl"), Path.Combine(_directory, $"near-duplicates-{generation}-{settings}.jsonl"));
    }

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
        var (neighboursPath, duplicatesPath) = PathsFor(live.Name, k, sameCategory);
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
        await PruneAsync(cancellationToken);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.NeighboursExported(_logger, live.Name, summary.Products, k, summary.DuplicateGroups, summary.Elapsed.TotalSeconds, neighboursPath);
        }
    }

    /// <summary>Deletes the exports of generations that no longer exist (dropped after a reindex).</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var generations = (await _index.ListGenerationsAsync(cancellationToken)).Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(_directory, "*.jsonl"))
        {
            var match = ExportName().Match(Path.GetFileName(file));
            if (match.Success && !generations.Contains(match.Groups["generation"].Value))
            {
                File.Delete(file);
            }
        }
    }

    [GeneratedRegex(@"^(?:neighbours|near-duplicates)-(?<generation>.+)-k\d+(?:-same-category)?\.jsonl$")]
    private static partial Regex ExportName();

    /// <summary>Reports on the caller's thread.</summary>
    private sealed class InlineProgress(Action<NeighboursExportProgress> report) : IProgress<NeighboursExportProgress>
    {
        public void Report(NeighboursExportProgress value) => report(value);
    }
}
