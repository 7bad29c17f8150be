using System.Buffers;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Embedded;

// Lexical and hybrid ranking: BM25F over the inverted lists and the weighted fusion of ranked lists.
internal partial class MemoryGeneration
{
    /// <summary>
    /// Lexical top-k (BM25F of <paramref name="lexicalQuery"/>), or hybrid: the dense and the lexical
    /// top <see cref="FusionSettings.EffectiveDepth"/> over the same filtered candidates, fused by
    /// weighted RRF; ties by product id.
    /// </summary>
    public List<SearchHit> SearchText(SearchMode mode, ReadOnlySpan<float> denseQuery, LexicalVector lexicalQuery, FusionSettings fusion, ProductFilter? filter, int limit, int offset, float? scoreThreshold, CancellationToken cancellationToken)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            var end = (long)limit + offset;
            if (Math.Min(end, _slots.Count) <= 0)
            {
                return [];
            }

            var words = Bits.WordsFor(_highWater);
            var filtered = RentCandidates(filter, words, out var candidates);
            try
            {
                if (mode == SearchMode.Lexical)
                {
                    var keep = (int)Math.Min(end, _slots.Count);
                    return ToHits(RankLexical(_lexical, lexicalQuery, candidates, keep, scoreThreshold ?? float.NegativeInfinity, cancellationToken), offset);
                }

                var depth = Math.Min(fusion.EffectiveDepth((int)Math.Min(end, int.MaxValue)), _slots.Count);
                var dense = RankDense(denseQuery, candidates, words, depth, float.NegativeInfinity, excludeSlot: -1, cancellationToken);
                var lexical = RankLexical(_lexical, lexicalQuery, candidates, depth, float.NegativeInfinity, cancellationToken);
                List<((float Score, int Slot)[] Ranked, float Weight)> lists = [(dense, fusion.DenseWeight), (lexical, fusion.LexicalWeight)];
                if (fusion.NameWeight > 0)
                {
                    lists.Add((RankLexical(_names, lexicalQuery, candidates, depth, float.NegativeInfinity, cancellationToken), fusion.NameWeight));
                }

                return ToHits(Fuse(lists, fusion, scoreThreshold ?? float.NegativeInfinity), offset, (int)Math.Min(end, int.MaxValue));
            }
            finally
            {
                ReturnCandidates(filtered);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The best <paramref name="keep"/> candidates by BM25F score, best first; candidates with no query term are not found.</summary>
    private (float Score, int Slot)[] RankLexical(LexicalIndex index, LexicalVector query, ulong[] candidates, int keep, float threshold, CancellationToken cancellationToken)
    {
        if (query.Count == 0 || keep <= 0)
        {
            return [];
        }

        var scores = ArrayPool<float>.Shared.Rent(_highWater);
        try
        {
            scores.AsSpan(0, _highWater).Clear();
            var heap = new TopK(keep, _ids);
            index.Score(query, candidates, scores, [], (slot, score) =>
            {
                if (score >= threshold)
                {
                    heap.Offer(score, slot);
                }
            }, cancellationToken);
            return heap.DrainBestFirst();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>Weighted RRF or DBSF of ranked lists, best first, ties by product id.</summary>
    private (float Score, int Slot)[] Fuse(List<((float Score, int Slot)[] Ranked, float Weight)> lists, FusionSettings fusion, float threshold)
    {
        var fused = new Dictionary<int, double>(lists.Sum(l => l.Ranked.Length));
        foreach (var (list, weight) in lists)
        {
            var bounds = fusion.Method == FusionMethod.Dbsf ? DistributionBounds(list) : null;
            for (var i = 0; i < list.Length; i++)
            {
                var contribution = fusion.Method == FusionMethod.Dbsf
                    ? FusionSettings.Normalized(list[i].Score, bounds)
                    : fusion.Contribution(i + 1, weight);
                fused[list[i].Slot] = fused.GetValueOrDefault(list[i].Slot) + contribution;
            }
        }

        var ranked = fused.Select(f => (Score: (float)f.Value, Slot: f.Key)).Where(f => f.Score >= threshold).ToArray();
        Array.Sort(ranked, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(_ids[a.Slot], _ids[b.Slot]));
        return ranked;
    }

    private static (double Low, double High)? DistributionBounds((float Score, int Slot)[] list)
    {
        var scores = ArrayPool<float>.Shared.Rent(Math.Max(list.Length, 1));
        try
        {
            for (var i = 0; i < list.Length; i++)
            {
                scores[i] = list[i].Score;
            }

            return FusionSettings.DistributionBounds(scores.AsSpan(0, list.Length));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }
}
