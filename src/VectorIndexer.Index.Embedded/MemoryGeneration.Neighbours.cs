using VectorIndexer.Core;
using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Index.Embedded;

// The neighbours export: every product's k nearest others by blocked all-pairs dot products over a snapshot.
internal partial class MemoryGeneration
{
    /// <summary>Query rows one task scores together: their vectors stay in cache while the candidates stream past.</summary>
    private const int NeighbourQueryBlock = 64;

    /// <summary>Candidate rows scored against a query block before the next tile is loaded.</summary>
    private const int NeighbourCandidateTile = 512;

    /// <summary>Query blocks computed (across cores) before their results are handed out.</summary>
    private const int NeighbourBlocksPerWave = 32;

    /// <summary>
    /// A copy of the records now held (ids in ordinal order, vectors packed row after row), taken
    /// under the read lock and scored without it, so an export never holds up writes or searches.
    /// </summary>
    public NeighbourSnapshot SnapshotForNeighbours()
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            var ids = _slots.Keys.ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            var products = new Product[ids.Length];
            var vectors = new float[checked(ids.Length * _dimensions)];
            for (var i = 0; i < ids.Length; i++)
            {
                var slot = _slots[ids[i]];
                products[i] = _products[slot]!;
                _vectors.AsSpan(slot * _dimensions, _dimensions).CopyTo(vectors.AsSpan(i * _dimensions));
            }

            return new NeighbourSnapshot(ids, products, vectors, _dimensions);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>A generation's records frozen for an export; see <see cref="SnapshotForNeighbours"/>.</summary>
    internal sealed class NeighbourSnapshot(string[] ids, Product[] products, float[] vectors, int dimensions)
    {
        public int Count => ids.Length;

        /// <summary>
        /// Each product's neighbours, in product id order, a wave of query blocks at a time. Scores
        /// are the bits a similar-to search gives (same kernel arithmetic), ties broken by id.
        /// </summary>
        public IEnumerable<ProductNeighbours[]> Waves(NeighbourRequest request, CancellationToken cancellationToken)
        {
            var keep = Math.Min(request.K, Math.Max(0, ids.Length - 1));
            var categories = request.SameCategory ? CategorySets() : null;
            var waveRows = NeighbourQueryBlock * NeighbourBlocksPerWave;
            for (var start = 0; start < ids.Length; start += waveRows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = Math.Min(waveRows, ids.Length - start);
                var wave = new ProductNeighbours[rows];
                var blocks = (rows + NeighbourQueryBlock - 1) / NeighbourQueryBlock;
                var first = start;
                Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, b =>
                {
                    var from = first + (b * NeighbourQueryBlock);
                    var to = Math.Min(from + NeighbourQueryBlock, first + rows);
                    var lists = ScoreBlock(from, to, keep, request.MinScore ?? float.NegativeInfinity, categories, cancellationToken);
                    for (var q = from; q < to; q++)
                    {
                        wave[q - first] = new ProductNeighbours(products[q], lists[q - from]);
                    }
                });
                yield return wave;
            }
        }

        /// <summary>The neighbours of query rows [from, to) against every row.</summary>
        private Neighbour[][] ScoreBlock(int from, int to, int keep, float minScore, int[][]? categories, CancellationToken cancellationToken)
        {
            var count = to - from;
            var lists = new Neighbour[count][];
            if (keep == 0)
            {
                Array.Fill(lists, []);
                return lists;
            }

            var heaps = new TopK[count];
            for (var q = 0; q < count; q++)
            {
                heaps[q] = new TopK(keep, ids);
            }

            Span<float> scores = stackalloc float[8];
            Span<int> queries = stackalloc int[4];
            for (var tile = 0; tile < ids.Length; tile += NeighbourCandidateTile)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tileEnd = Math.Min(tile + NeighbourCandidateTile, ids.Length);
                for (var group = from; group < to; group += 4)
                {
                    // A short last group repeats its last row; the repeats are not offered.
                    for (var i = 0; i < 4; i++)
                    {
                        queries[i] = Math.Min(group + i, to - 1);
                    }

                    var real = Math.Min(4, to - group);
                    for (var c = tile; c < tileEnd; c += 2)
                    {
                        var c1 = Math.Min(c + 1, tileEnd - 1);
                        DotKernel.FourByTwo(vectors, queries[0] * dimensions, queries[1] * dimensions, queries[2] * dimensions, queries[3] * dimensions, c * dimensions, c1 * dimensions, dimensions, scores);
                        for (var i = 0; i < real; i++)
                        {
                            Offer(heaps[queries[i] - from], queries[i], c, scores[2 * i], minScore, categories);
                            if (c1 != c)
                            {
                                Offer(heaps[queries[i] - from], queries[i], c1, scores[(2 * i) + 1], minScore, categories);
                            }
                        }
                    }
                }
            }

            for (var q = 0; q < count; q++)
            {
                lists[q] = [.. heaps[q].DrainBestFirst().Select(hit => new Neighbour(ids[hit.Slot], hit.Score))];
            }

            return lists;
        }

        private static void Offer(TopK heap, int query, int candidate, float score, float minScore, int[][]? categories)
        {
            if (candidate == query || score < minScore || !(score >= heap.Floor))
            {
                return;
            }

            if (categories is not null && !Within(categories[candidate], categories[query]))
            {
                return;
            }

            heap.Offer(score, candidate);
        }

        /// <summary>Whether a candidate's category levels hold every level of the product's (both sorted); a product without a category has no neighbours within it.</summary>
        private static bool Within(int[] candidate, int[] product)
        {
            if (product.Length == 0)
            {
                return false;
            }

            var j = 0;
            foreach (var level in product)
            {
                while (j < candidate.Length && candidate[j] < level)
                {
                    j++;
                }

                if (j == candidate.Length || candidate[j] != level)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Each product's distinct category values as sorted numbers.</summary>
        private int[][] CategorySets()
        {
            var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
            var sets = new int[products.Length][];
            for (var i = 0; i < products.Length; i++)
            {
                var set = new SortedSet<int>();
                foreach (var level in products[i].Category)
                {
                    if (string.IsNullOrEmpty(level))
                    {
                        continue;
                    }

                    if (!numbers.TryGetValue(level, out var number))
                    {
                        numbers[level] = number = numbers.Count;
                    }

                    set.Add(number);
                }

                sets[i] = [.. set];
            }

            return sets;
        }
    }
}
