using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Embedded;

// Recommendations from several stored products: Qdrant's average_vector and best_score, over the same exact scan.
internal partial class MemoryGeneration
{
    /// <summary>
    /// Products like the positive examples and unlike the negative ones, the examples themselves left
    /// out; fails with <see cref="UnknownProductsException"/> naming the ids not stored.
    /// </summary>
    public List<SearchHit> Recommend(RecommendInput input, ProductFilter? filter, int limit, int offset, float? scoreThreshold, CancellationToken cancellationToken)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            var missing = input.All.Where(id => !_slots.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw new UnknownProductsException(missing);
            }

            var positive = input.Positive.Select(id => _slots[id]).ToArray();
            var negative = input.Negative.Select(id => _slots[id]).ToArray();
            var keep = (int)Math.Min((long)limit + offset, _slots.Count);
            if (keep <= 0)
            {
                return [];
            }

            var words = Bits.WordsFor(_highWater);
            var filtered = RentCandidates(filter, words, out var candidates);
            var pool = ArrayPool<ulong>.Shared.Rent(words);
            try
            {
                candidates.AsSpan(0, words).CopyTo(pool);
                foreach (var slot in positive.Concat(negative))
                {
                    pool[slot >> 6] &= ~(1UL << (slot & 63));
                }

                var threshold = scoreThreshold ?? float.NegativeInfinity;
                var ranked = input.Strategy == RecommendStrategy.Average
                    ? RankDense(AverageQuery(positive, negative), pool, words, keep, threshold, excludeSlot: -1, cancellationToken)
                    : RankBestScore(positive, negative, pool, words, keep, threshold, cancellationToken);
                return ToHits(ranked, offset);
            }
            finally
            {
                ArrayPool<ulong>.Shared.Return(pool);
                ReturnCandidates(filtered);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>avg(positive) + (avg(positive) − avg(negative)), or avg(positive) without negatives; normalised.</summary>
    private float[] AverageQuery(int[] positive, int[] negative)
    {
        var query = new float[_dimensions];
        var mean = new float[_dimensions];
        Mean(positive, query);
        if (negative.Length > 0)
        {
            Mean(negative, mean);
            TensorPrimitives.Multiply(query, 2f, query);
            TensorPrimitives.Subtract(query, mean, query);
        }

        var norm = TensorPrimitives.Norm(query);
        if (norm > 0)
        {
            TensorPrimitives.Divide(query, norm, query);
        }

        return query;
    }

    private void Mean(int[] slots, float[] into)
    {
        Array.Clear(into);
        foreach (var slot in slots)
        {
            TensorPrimitives.Add(into, _vectors.AsSpan(slot * _dimensions, _dimensions), into);
        }

        TensorPrimitives.Divide(into, slots.Length, into);
    }

    /// <summary>Every candidate scored by its best positive against its best negative cosine (see <see cref="RecommendStrategy.BestScore"/>).</summary>
    private (float Score, int Slot)[] RankBestScore(int[] positive, int[] negative, ulong[] candidates, int words, int keep, float threshold, CancellationToken cancellationToken)
    {
        var heap = new TopK(keep, _ids);
        for (var w = 0; w < words; w++)
        {
            if (w % CancellationCheckWords == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var word = candidates[w];
            while (word != 0)
            {
                var slot = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                var candidate = _vectors.AsSpan(slot * _dimensions, _dimensions);
                var bestPositive = float.NegativeInfinity;
                foreach (var p in positive)
                {
                    bestPositive = Math.Max(bestPositive, DotKernel.One(_vectors, p * _dimensions, candidate));
                }

                var bestNegative = float.NegativeInfinity;
                foreach (var n in negative)
                {
                    bestNegative = Math.Max(bestNegative, DotKernel.One(_vectors, n * _dimensions, candidate));
                }

                var score = bestPositive > bestNegative ? ScaledSigmoid(bestPositive) : -ScaledSigmoid(bestNegative);
                if (score >= threshold)
                {
                    heap.Offer(score, slot);
                }
            }
        }

        return heap.DrainBestFirst();
    }

    /// <summary>(x / (1 + |x|) + 1) / 2: a sigmoid without the exponent, in (0, 1), as Qdrant scores best_score.</summary>
    internal static float ScaledSigmoid(float x) => 0.5f * ((x / (1f + Math.Abs(x))) + 1f);
}
