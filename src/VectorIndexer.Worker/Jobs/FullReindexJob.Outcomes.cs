using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

// How a run ends: the recorded status and dropping a generation that will not go live.
public partial class FullReindexJob
{
    /// <summary>The status as last checkpointed (the build loop saves its own copies).</summary>
    private async Task<JobStatus> LatestAsync(JobStatus status) =>
        await _statuses.GetAsync(status.JobId, CancellationToken.None) ?? status;

    private async Task DropAsync(string jobId, string generation)
    {
        try
        {
            await _index.DropGenerationAsync(generation, CancellationToken.None);
        }
#pragma warning disable CA1031 // The job is failing already; a leftover generation is logged, not thrown over the real cause.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DropFailed(_logger, ex, generation, jobId);
        }
    }
}
