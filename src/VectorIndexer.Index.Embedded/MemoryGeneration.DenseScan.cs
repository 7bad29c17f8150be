using System.Buffers;
using System.Numerics;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Embedded;

// Dense search: the filtered candidate bitmap, the blocked scan over the vector slab across cores, similar-to.
internal partial class MemoryGeneration
{
    /// <summary>Exact top-k by dot product of <paramref name="query"/> (normalised) with every matching record.</summary>
    public List<SearchHit> Search(ReadOnlySpan<float> query, ProductFilter? filter, int limit, int offset, float? scoreThreshold, CancellationToken cancellationToken)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            return Scan(query, filter, limit, offset, scoreThreshold, excludeSlot: -1, cancellationToken);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Neighbours of a stored product, without it; empty when it is unknown.</summary>
    public List<SearchHit> Similar(string productId, ProductFilter? filter, int limit, int offset, float? scoreThreshold, CancellationToken cancellationToken)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            if (!_slots.TryGetValue(productId, out var slot))
            {
                return [];
            }

            var query = ArrayPool<float>.Shared.Rent(_dimensions);
            try
            {
                _vectors.AsSpan(slot * _dimensions, _dimensions).CopyTo(query);
                return Scan(query.AsSpan(0, _dimensions), filter, limit, offset, scoreThreshold, slot, cancellationToken);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(query);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private List<SearchHit> Scan(ReadOnlySpan<float> query, ProductFilter? filter, int limit, int offset, float? scoreThreshold, int excludeSlot, CancellationToken cancellationToken)
    {
        var keep = (int)Math.Min((long)limit + offset, _slots.Count);
        if (keep <= 0)
        {
            return [];
        }

        var words = Bits.WordsFor(_highWater);
        var filtered = RentCandidates(filter, words, out var candidates);
        try
        {

            return ToHits(RankDense(query, candidates, words, keep, scoreThreshold ?? float.NegativeInfinity, excludeSlot, cancellationToken), offset);
        }
        finally
        {
            ReturnCandidates(filtered);
        }
    }

    /// <summary>
    /// The slots a search may return: those matching <paramref name="filter"/> in a bitset rented
    /// from the pool (returned, to give back with <see cref="ReturnCandidates"/>), or every occupied
    /// slot when there is no filter (null returned).
    /// </summary>
    private ulong[]? RentCandidates(ProductFilter? filter, int words, out ulong[] candidates)
    {
        if (filter is null)
        {
            candidates = _occupied;
            return null;
        }

        var filtered = ArrayPool<ulong>.Shared.Rent(words);
        _columns.Evaluate(filter, _occupied.AsSpan(0, words), filtered.AsSpan(0, words));
        candidates = filtered;
        return filtered;
    }

    private static void ReturnCandidates(ulong[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    private List<SearchHit> ToHits((float Score, int Slot)[] ranked, int offset, int end = int.MaxValue)
    {
        var stop = Math.Min(ranked.Length, end);
        var hits = new List<SearchHit>(Math.Max(0, stop - offset));
        for (var i = offset; i < stop; i++)
        {
            hits.Add(new SearchHit(_products[ranked[i].Slot]!, ranked[i].Score));
        }

        return hits;
    }

    /// <summary>The best <paramref name="keep"/> candidates by dot product with the query, best first.</summary>
    private (float Score, int Slot)[] RankDense(ReadOnlySpan<float> query, ulong[] candidates, int words, int keep, float threshold, int excludeSlot, CancellationToken cancellationToken)
    {
        var queryCopy = ArrayPool<float>.Shared.Rent(_dimensions);
        try
        {
            query.CopyTo(queryCopy);
            var scan = new ScanRequest(candidates, queryCopy, threshold, excludeSlot);
            var partitions = (int)Math.Min(Environment.ProcessorCount, Bits.Count(candidates.AsSpan(0, words)) / ParallelScanSlotsPerPartition);
            if (partitions <= 1)
            {
                var single = new TopK(keep, _ids);
                ScanWords(scan, 0, words, single, cancellationToken);
                return single.DrainBestFirst();
            }

            var heaps = new TopK[partitions];
            var wordsPerPartition = (words + partitions - 1) / partitions;
            Parallel.For(0, partitions, new ParallelOptions { MaxDegreeOfParallelism = partitions, CancellationToken = cancellationToken }, p =>
            {
                heaps[p] = new TopK(keep, _ids);
                ScanWords(scan, p * wordsPerPartition, Math.Min(words, (p + 1) * wordsPerPartition), heaps[p], cancellationToken);
            });
            var heap = new TopK(keep, _ids);
            foreach (var partial in heaps)
            {
                foreach (var (score, slot) in partial.DrainBestFirst())
                {
                    heap.Offer(score, slot);
                }
            }

            return heap.DrainBestFirst();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(queryCopy);
        }
    }

    /// <summary>Scores the candidate slots of words [from, to) into <paramref name="heap"/>; the caller holds the read lock.</summary>
    private void ScanWords(ScanRequest scan, int fromWord, int toWord, TopK heap, CancellationToken cancellationToken)
    {
        var vectors = _vectors;
        var dimensions = _dimensions;
        var query = scan.Query.AsSpan(0, dimensions);
        var candidates = scan.Candidates;
        Span<int> pending = stackalloc int[4];
        Span<float> scores = stackalloc float[4];
        var count = 0;
        for (var w = fromWord; w < toWord; w++)
        {
            if ((w - fromWord) % CancellationCheckWords == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var word = candidates[w];
            while (word != 0)
            {
                var slot = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (slot == scan.ExcludeSlot)
                {
                    continue;
                }

                pending[count++] = slot;
                if (count == 4)
                {
                    DotKernel.Four(vectors, pending[0] * dimensions, pending[1] * dimensions, pending[2] * dimensions, pending[3] * dimensions, query, scores);
                    for (var i = 0; i < 4; i++)
                    {
                        if (scores[i] >= scan.Threshold)
                        {
                            heap.Offer(scores[i], pending[i]);
                        }
                    }

                    count = 0;
                }
            }
        }

        for (var i = 0; i < count; i++)
        {
            var score = DotKernel.One(vectors, pending[i] * dimensions, query);
            if (score >= scan.Threshold)
            {
                heap.Offer(score, pending[i]);
            }
        }
    }

    /// <summary>What one scan looks for: candidate bitset, unit query, threshold, a slot to skip.</summary>
    private sealed record ScanRequest(ulong[] Candidates, float[] Query, float Threshold, int ExcludeSlot);
}
