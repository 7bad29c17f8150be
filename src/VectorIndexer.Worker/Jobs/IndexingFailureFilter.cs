using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

/// <summary>
/// Decides what a failure of an indexing job means, in place of Hangfire's default
/// <c>AutomaticRetry</c> (switched off on the job classes with <c>[AutomaticRetry(Attempts = 0)]</c>):
/// a transient failure (<see cref="TransientFailures"/>) is retried up to
/// <see cref="WorkerOptions.MaxRetries"/> times with a doubling delay; anything else, or a transient
/// failure past the last retry, fails the job once. A reindex that fails for good has its new
/// generation dropped here (a transient failure kept it for the retry to resume into); a batch job
/// that fails for good has its batch parked, so later batches go on without it.
/// </summary>
public sealed class IndexingFailureFilter : IElectStateFilter
{
    /// <summary>The job parameter that counts retries.</summary>
    public const string RetryCountParameter = "VectorIndexer.RetryCount";

    private readonly JobStatusStore _statuses;
    private readonly PendingBatchStore _batches;
    private readonly IProductIndex _index;
    private readonly WorkerOptions _options;
    private readonly ILogger _logger;

    public IndexingFailureFilter(JobStatusStore statuses, PendingBatchStore batches, IProductIndex index, IOptions<WorkerOptions> options, ILogger<IndexingFailureFilter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _statuses = statuses;
        _batches = batches;
        _index = index;
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public void OnStateElection(ElectStateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CandidateState is not FailedState failed
            || context.BackgroundJob.Job?.Type is not { } type
            || (type.Assembly != typeof(IndexingFailureFilter).Assembly && type.Assembly != typeof(IFullReindexJob).Assembly))
        {
            return;
        }

        // Filters are synchronous; the status store calls (a local file or one PostgreSQL round trip) and the index calls are short.
        OnFailedAsync(context, failed).GetAwaiter().GetResult();
    }

    private async Task OnFailedAsync(ElectStateContext context, FailedState failed)
    {
        var jobId = context.BackgroundJob.Id;
        var exception = failed.Exception;
        var status = await _statuses.GetAsync(jobId);
        if (TransientFailures.IsTransient(exception))
        {
            var attempt = context.GetJobParameter<int>(RetryCountParameter) + 1;
            if (attempt <= _options.MaxRetries)
            {
                var delay = TransientFailures.Backoff(attempt, _options.RetryBaseDelay);
                context.SetJobParameter(RetryCountParameter, attempt);
                context.CandidateState = new ScheduledState(delay)
                {
                    Reason = $"Transient failure ({exception.GetType().Name}); retry {attempt} of {_options.MaxRetries}",
                };
                Log.TransientRetry(_logger, jobId, exception.GetType().Name, attempt, _options.MaxRetries, delay);
                if (status is not null)
                {
                    await _statuses.SaveAsync(status with { State = JobState.Retrying, Message = $"Failed transiently ({exception.GetType().Name}: {exception.Message}); retry {attempt} of {_options.MaxRetries} in {delay}." });
                }

                return;
            }
        }

        var message = status is { State: JobState.Failed or JobState.Cancelled, Message: { } own }
            ? own
            : exception is IndexingJobException
                ? exception.Message
                : $"{exception.GetType().Name}: {exception.Message}";
        if (status is { Kind: JobKind.FullReindex, Generation: { } generation } && status.State != JobState.Failed
            && await DropIfNotLiveAsync(jobId, generation))
        {
            message += " The new generation was dropped; the live index is unchanged.";
        }

        if (status is { Kind: JobKind.Upsert or JobKind.Delete, BatchId: { } batchId, IsFinished: false }
            && await _batches.ParkAsync(batchId, message))
        {
            // Past its last retry (or failed for good before the batch was read): set aside, later batches go on.
            Log.BatchParked(_logger, batchId, message);
            await _statuses.SaveAsync(status with { State = JobState.Parked, Message = PendingBatchRunner.ParkedMessage(batchId, message) });
            return;
        }

        Log.JobFailed(_logger, jobId, message);
        if (status is not null && !status.IsFinished)
        {
            await _statuses.SaveAsync(status with { State = JobState.Failed, Message = message });
        }
    }

    /// <summary>Drops the generation unless it is live (a reindex that switched keeps it); returns whether it dropped it.</summary>
    private async Task<bool> DropIfNotLiveAsync(string jobId, string generation)
    {
        try
        {
            var generations = await _index.ListGenerationsAsync();
            if (generations.Any(g => g.Name == generation && !g.IsLive))
            {
                await _index.DropGenerationAsync(generation);
                return true;
            }
        }
#pragma warning disable CA1031 // Cleanup after a failure: log, never hide the failure itself.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DropFailed(_logger, ex, generation, jobId);
        }

        return false;
    }
}
