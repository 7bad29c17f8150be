using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Jobs;

// Replaying the batches that arrived during the build and switching the live alias under the apply lock.
public partial class FullReindexJob
{
    /// <summary>
    /// Replays into <paramref name="generation"/> every batch after <paramref name="after"/>: first
    /// without the apply lock (the bulk: nothing else writes the new generation), then, under the lock,
    /// those stored since, and switches. Returns the lock, still held, for marking the batches applied.
    /// </summary>
    private async Task<(IAsyncDisposable Lock, Replay Replayed)> ReplayAndSwitchAsync(string generation, long after, CancellationToken cancellationToken)
    {
        var replayed = new Replay(after);
        await ReplayAsync(generation, replayed, cancellationToken);

        // Batch jobs apply to the live generation under this lock: while it is held none can write a
        // batch to the old generation that the new one lacks.
        var applyLock = await _batches.AcquireApplyLockAsync(ApplyLockTimeout, cancellationToken);
        try
        {
            await ReplayAsync(generation, replayed, cancellationToken);
            await _index.ActivateGenerationAsync(generation, cancellationToken);
            return (applyLock, replayed);
        }
        catch
        {
            await applyLock.DisposeAsync();
            throw;
        }
    }

    private async Task ReplayAsync(string generation, Replay replayed, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await _batches.ListAfterAsync(replayed.Through, 500, cancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            foreach (var batch in page)
            {
                if (batch.State == PendingBatchState.Parked)
                {
                    replayed.Skip(batch);
                    continue;
                }

                try
                {
                    await _applier.ApplyAsync(generation, batch, cancellationToken);
                }
                catch (Exception ex) when (batch.AppliedAt is null && PendingBatchRunner.IsPermanent(ex, cancellationToken))
                {
                    // It fails on any generation: parked, as its own job would park it; the rebuild goes on.
                    // (One already in the live generation that fails here fails the rebuild: it must not be lost.)
                    var reason = PendingBatchRunner.Reason(ex);
                    await _batches.ParkAsync(batch.Id, reason, CancellationToken.None);
                    Log.BatchParked(_logger, batch.Id, reason);
                    replayed.Skip(batch);
                    continue;
                }

                replayed.Add(batch);
            }
        }
    }

    /// <summary>Marks the replayed batches that were still pending applied; returns how many could not be.</summary>
    private async Task<int> MarkAppliedAsync(string jobId, string generation, IReadOnlyList<string> batchIds)
    {
        for (var i = 0; i < batchIds.Count; i++)
        {
            try
            {
                await _batches.MarkAppliedAsync(batchIds[i], generation, CancellationToken.None);
            }
#pragma warning disable CA1031 // The switch is done and the batches are in the live generation; unmarked, they are only applied again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.MarkAppliedAfterSwitchFailed(_logger, ex, jobId, generation, batchIds.Count - i);
                return batchIds.Count - i;
            }
        }

        return 0;
    }

    /// <summary>What a replay has applied to the new generation so far.</summary>
    private sealed class Replay(long after)
    {
        private readonly List<string> _pending = [];

        /// <summary>The sequence of the last batch replayed (at first, the sequence the rebuild started at).</summary>
        public long Through { get; private set; } = after;

        public int Count { get; private set; }

        /// <summary>Replayed batches not yet applied to the live generation when they were read.</summary>
        public IReadOnlyList<string> Pending => _pending;

        /// <summary>Passes over a parked batch: not in the new generation, not marked applied.</summary>
        public void Skip(PendingBatch batch) => Through = batch.Sequence;

        public void Add(PendingBatch batch)
        {
            Through = batch.Sequence;
            Count++;
            if (batch.AppliedAt is null)
            {
                _pending.Add(batch.Id);
            }
        }
    }
}
