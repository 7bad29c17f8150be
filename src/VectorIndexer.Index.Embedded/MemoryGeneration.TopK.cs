
namespace VectorIndexer.Index.Embedded;

// The bounded heap each scan keeps its best hits in.
internal partial class MemoryGeneration
{
    /// <summary>
    /// Bounded min-heap of the best <c>capacity</c> hits seen: the root is the worst kept hit
    /// (lowest score; on equal scores the greatest product id), so a candidate only has to beat it.
    /// </summary>
    private sealed class TopK(int capacity, string?[] ids)
    {
        private readonly float[] _scores = new float[capacity];
        private readonly int[] _slots = new int[capacity];
        private int _count;

        /// <summary>The lowest score that may still enter: the worst kept one once full (equal scores compete on id).</summary>
        public float Floor => _count < _scores.Length ? float.NegativeInfinity : _scores[0];

        public void Offer(float score, int slot)
        {
            if (_count < _scores.Length)
            {
                var i = _count++;
                _scores[i] = score;
                _slots[i] = slot;
                SiftUp(i);
                return;
            }

            if (score < _scores[0] || !Worse(_scores[0], _slots[0], score, slot))
            {
                return;
            }

            _scores[0] = score;
            _slots[0] = slot;
            SiftDown(0);
        }

        public (float Score, int Slot)[] DrainBestFirst()
        {
            var result = new (float Score, int Slot)[_count];
            for (var i = 0; i < _count; i++)
            {
                result[i] = (_scores[i], _slots[i]);
            }

            Array.Sort(result, (a, b) => Worse(a.Score, a.Slot, b.Score, b.Slot) ? 1 : Worse(b.Score, b.Slot, a.Score, a.Slot) ? -1 : 0);
            return result;
        }

        /// <summary>Whether hit a ranks below hit b.</summary>
        private bool Worse(float scoreA, int slotA, float scoreB, int slotB) =>
            scoreA < scoreB || (scoreA == scoreB && string.CompareOrdinal(ids[slotA], ids[slotB]) > 0);

        private void SiftUp(int i)
        {
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Worse(_scores[i], _slots[i], _scores[parent], _slots[parent]))
                {
                    break;
                }

                Swap(i, parent);
                i = parent;
            }
        }

        private void SiftDown(int i)
        {
            while (true)
            {
                var left = (2 * i) + 1;
                if (left >= _count)
                {
                    return;
                }

                var worst = left;
                var right = left + 1;
                if (right < _count && Worse(_scores[right], _slots[right], _scores[left], _slots[left]))
                {
                    worst = right;
                }

                if (!Worse(_scores[worst], _slots[worst], _scores[i], _slots[i]))
                {
                    return;
                }

                Swap(i, worst);
                i = worst;
            }
        }

        private void Swap(int a, int b)
        {
            (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
            (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
        }
    }
}
