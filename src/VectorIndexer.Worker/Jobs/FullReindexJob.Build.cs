using System.Diagnostics;
using System.Globalization;
using System.Text;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

// Building the new generation: start or resume, stream the feed into it, validate, refuse unfit feeds.
public partial class FullReindexJob
{
    /// <summary>
    /// The status that ends this reindex at once when another one of the same feed finished after it
    /// was requested (it waited behind that one: "Trigger now" or the schedule during a rebuild) and
    /// nothing changed since: the feed has the version that one read and its generation is still
    /// live. Null when it must run. Pushed batches need no rebuild: they reach the live generation.
    /// </summary>
    private async Task<JobStatus?> NothingChangedSinceAsync(string jobId, JobStatus? status, string feedLocation, string? mapping, IndexGeneration? live, CancellationToken cancellationToken)
    {
        var requestedAt = status?.CreatedAt ?? _context.CreatedAt;
        if (requestedAt is null || live is null)
        {
            return null;
        }

        var last = await _statuses.GetLastSucceededAsync(JobKind.FullReindex, cancellationToken);
        if (last is not { FeedVersion: { } version, FinishedAt: { } finished } || last.JobId == jobId
            || finished < requestedAt || last.FeedLocation != feedLocation || last.Generation != live.Name)
        {
            return null;
        }

        if (await _feed.GetVersionAsync(feedLocation, mapping, cancellationToken) != version)
        {
            return null;
        }

        Log.ReindexNothingChanged(_logger, jobId, last.JobId, live.Name);
        return (status ?? new JobStatus { JobId = jobId, Kind = JobKind.FullReindex, CreatedAt = requestedAt.Value }) with
        {
            State = JobState.Succeeded,
            FeedLocation = feedLocation,
            FeedVersion = version,
            Generation = live.Name,
            Message = $"Nothing to do: reindex {last.JobId} of the same feed finished after this one was requested, and neither the feed nor the live generation ({live.Name}) has changed since.",
        };
    }

    private async Task<JobStatus> StartOrResumeAsync(string jobId, JobStatus? status, string feedLocation, string? mapping, CancellationToken cancellationToken)
    {
        if (status is { Generation: { } existing } && !status.IsFinished)
        {
            var generations = await _index.ListGenerationsAsync(cancellationToken);
            if (generations.Any(g => g.Name == existing && !g.IsLive && g.Model == _indexer.Model))
            {
                Log.ReindexResumed(_logger, jobId, existing, status.Processed, status.Accepted, status.Rejected);
                return await _statuses.SaveAsync(status with { State = JobState.Running, Message = null }, cancellationToken);
            }
        }

        // Fresh start (or the checkpointed generation is gone): pushed batches from now on, and any
        // not applied yet, are replayed into the new generation.
        var changeSequence = await _batches.GetReplayStartAsync(cancellationToken);

        // Before the feed is read: a change while it is read gives a later request another version.
        var feedVersion = await _feed.GetVersionAsync(feedLocation, mapping, cancellationToken);
        var created = await _index.CreateGenerationAsync(_indexer.Model, cancellationToken);
        Log.ReindexStarted(_logger, jobId, created.Name);
        return await _statuses.SaveAsync(new JobStatus
        {
            JobId = jobId,
            Kind = JobKind.FullReindex,
            State = JobState.Running,
            Generation = created.Name,
            FeedLocation = feedLocation,
            FeedVersion = feedVersion,
            ChangeSequence = changeSequence,
            CreatedAt = status?.CreatedAt ?? default,
        }, cancellationToken);
    }

    private async Task<JobStatus> BuildAsync(JobStatus status, string generation, string feedLocation, string? mapping, CancellationToken cancellationToken)
    {
        var total = await _feed.CountAsync(feedLocation, mapping, cancellationToken);

        // Unchanged products keep the live generation's vectors when it holds the same model.
        var live = await _index.GetLiveGenerationAsync(cancellationToken);
        var reuseFrom = live is not null && live.Name != generation && live.Model == _indexer.Model ? live.Name : generation;
        var resumeAt = status.Processed;
        long position = 0, accepted = status.Accepted, rejected = status.Rejected;
        var bad = status.BadRecords.ToList();
        var buffer = new List<Product>(_indexer.BatchSize);
        var clock = Stopwatch.StartNew();
        var lastLog = TimeSpan.Zero;

        async Task CheckpointAsync()
        {
            if (buffer.Count > 0)
            {
                await _indexer.IndexAsync(generation, reuseFrom, buffer, cancellationToken);
                accepted += buffer.Count;
                buffer.Clear();
            }

            var progress = IndexingProgress.Compute(position, position - resumeAt, total, clock.Elapsed);
            status = await _statuses.SaveAsync(status with
            {
                Processed = position,
                Total = total,
                Accepted = accepted,
                Rejected = rejected,
                BadRecords = bad.ToArray(),
                RatePerSecond = progress.RatePerSecond,
                Eta = progress.Eta,
            }, cancellationToken);
            if (clock.Elapsed - lastLog >= ProgressLogInterval)
            {
                lastLog = clock.Elapsed;
                Log.ReindexProgress(_logger, status.JobId, position, total, progress.RatePerSecond, progress.Eta);
            }
        }

        await foreach (var item in _feed.ReadAsync(feedLocation, mapping, cancellationToken).WithCancellation(cancellationToken))
        {
            position++;
            if (position <= resumeAt)
            {
                continue;
            }

            var problem = item.Product is { } product ? Validate(product) : item.Rejection ?? "rejected";
            if (problem is null)
            {
                buffer.Add(item.Product!);
            }
            else
            {
                rejected++;
                if (bad.Count < _options.ReportedBadRecords)
                {
                    bad.Add(new RejectedRecord(item.LineNumber, problem));
                }
            }

            if (buffer.Count >= _indexer.BatchSize)
            {
                await CheckpointAsync();
            }
        }

        await CheckpointAsync();
        return status;
    }

    private string? Validate(Product product)
    {
        if (string.IsNullOrWhiteSpace(product.Id))
        {
            return "the product id is empty";
        }

        if (product.Id.Length > 128)
        {
            return "the product id is longer than 128 characters";
        }

        if (string.IsNullOrWhiteSpace(product.Title) || _indexer.Compose(product).Length == 0)
        {
            return $"product {product.Id} has no title (nothing to embed)";
        }

        return null;
    }

    private void ThrowIfUnfit(JobStatus status, string feedLocation)
    {
        var seen = status.Accepted + status.Rejected;
        var share = seen == 0 ? 0 : (double)status.Rejected / seen;
        if (status.Accepted > 0 && share <= _options.MaxRejectedShare)
        {
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"The feed {feedLocation} ");
        text.Append(status.Accepted == 0 && status.Rejected == 0
            ? "has no records."
            : string.Create(CultureInfo.InvariantCulture, $"has {status.Rejected} bad records out of {seen} ({share:P2}); at most {_options.MaxRejectedShare:P2} are allowed (Worker:MaxRejectedShare)."));
        text.Append(" Nothing was switched: the live index is unchanged.");
        if (status.BadRecords.Count > 0)
        {
            text.Append(" First bad records: ");
            text.AppendJoin("; ", status.BadRecords.Select(r => string.Create(CultureInfo.InvariantCulture, $"line {r.LineNumber}: {r.Reason}")));
            if (status.Rejected > status.BadRecords.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $"; and {status.Rejected - status.BadRecords.Count} more");
            }

            text.Append('.');
        }

        throw new IndexingJobException(text.ToString());
    }
}
