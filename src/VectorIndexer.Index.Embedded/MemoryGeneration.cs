using System.Buffers;
using System.Numerics;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Embedded;

/// <summary>A record ready to store: its vector normalised to length 1, its lexical vector encoded.</summary>
internal readonly record struct PreparedRecord(Product Product, float[] Vector, string ContentHash, LexicalDocument Lexical);

/// <summary>
/// One generation held in memory. Vectors sit in one contiguous block, slot after slot
/// (<c>slot * dimensions</c>), grown by doubling; a deleted slot becomes a hole that the next insert
/// reuses. Payload fields sit in <see cref="PayloadColumns"/>, lexical vectors in a
/// <see cref="LexicalIndex"/> per lexical vector (full text and name fields). Searches take the read lock and run
/// side by side; writes take the write lock only to apply a batch already committed to disk.
/// </summary>
internal sealed class MemoryGeneration : IDisposable
{
    private const int CancellationCheckWords = 1024;

    /// <summary>Candidates per core below which a scan stays on the calling thread.</summary>
    private const int ParallelScanSlotsPerPartition = 8_192;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly Stack<int> _free = new();
    private readonly PayloadColumns _columns;
    private readonly LexicalIndex _lexical = new();
    private readonly LexicalIndex _names = new();
    private readonly int _dimensions;
    private float[] _vectors = [];
    private Product?[] _products = [];
    private string?[] _hashes = [];
    private string?[] _ids = [];
    private ulong[] _occupied = [];
    private int _capacity;
    private int _highWater;
    private bool _dropped;

    public MemoryGeneration(long key, string name, IndexModel model, DateTimeOffset createdAt, IReadOnlyList<string> filterableAttributes, LexicalEncoder lexicalEncoder, int initialCapacity = 0)
    {
        Key = key;
        LexicalEncoder = lexicalEncoder;
        Name = name;
        Model = model;
        CreatedAt = createdAt;
        _dimensions = model.Dimensions;
        _columns = new PayloadColumns(filterableAttributes);
        if (initialCapacity > 0)
        {
            Resize(RoundUp(initialCapacity));
        }
    }

    /// <summary>The generation's row id in the database (0 in memory-only mode).</summary>
    public long Key { get; }

    public string Name { get; }

    public IndexModel Model { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The lexical settings this generation was created with, for products and queries alike.</summary>
    public LexicalEncoder LexicalEncoder { get; }

    /// <summary>Records held; read without the lock, so only for logs.</summary>
    public int ApproximateCount => Volatile.Read(ref _highWater) - _free.Count;

    public IndexGeneration Describe(bool isLive) => new(Name, Model, CreatedAt, isLive);

    /// <summary>Inserts or replaces records, in order (a later duplicate id wins).</summary>
    public void Apply(IReadOnlyList<PreparedRecord> records)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var record in records)
            {
                Put(record.Product, record.Vector, record.ContentHash, record.Lexical);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds one record while loading, before the generation is shared.</summary>
    public void Load(Product product, ReadOnlySpan<float> vector, string contentHash) => Put(product, vector, contentHash, LexicalEncoder.EncodeDocument(product));

    public void Delete(IReadOnlyList<string> productIds)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var id in productIds)
            {
                if (!_slots.Remove(id, out var slot))
                {
                    continue;
                }

                _occupied[slot >> 6] &= ~(1UL << (slot & 63));
                _columns.Clear(slot);
                _lexical.Remove(slot);
                _names.Remove(slot);
                _products[slot] = null;
                _hashes[slot] = null;
                _ids[slot] = null;
                _vectors.AsSpan(slot * _dimensions, _dimensions).Clear();
                _free.Push(slot);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Marks the generation gone: searches that still hold it fail as if it never existed.</summary>
    public void MarkDropped()
    {
        _lock.EnterWriteLock();
        try
        {
            _dropped = true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The ids of the records now held, in ordinal order (a snapshot).</summary>
    public string[] ProductIds()
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            var ids = _slots.Keys.ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            return ids;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public IndexRecord? Get(string productId)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            if (!_slots.TryGetValue(productId, out var slot))
            {
                return null;
            }

            return new IndexRecord(_products[slot]!, _vectors.AsSpan(slot * _dimensions, _dimensions).ToArray(), _hashes[slot]!);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public Dictionary<string, string> GetContentHashes(IReadOnlyList<string> productIds)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            foreach (var id in productIds)
            {
                if (_slots.TryGetValue(id, out var slot))
                {
                    hashes[id] = _hashes[slot]!;
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return hashes;
    }

    public long Count(ProductFilter? filter)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDropped();
            if (filter is null)
            {
                return _slots.Count;
            }

            var occupied = _occupied.AsSpan(0, Bits.WordsFor(_highWater));
            using var bits = new PooledBits(occupied.Length);
            _columns.Evaluate(filter, occupied, bits.Span);
            return Bits.Count(bits.Span);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

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

    public void Dispose() => _lock.Dispose();

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

    private void Put(Product product, ReadOnlySpan<float> vector, string contentHash, LexicalDocument lexical)
    {
        if (_slots.TryGetValue(product.Id, out var slot))
        {
            _columns.Clear(slot);
        }
        else
        {
            slot = Allocate();
            _slots[product.Id] = slot;
            _occupied[slot >> 6] |= 1UL << (slot & 63);
        }

        vector.CopyTo(_vectors.AsSpan(slot * _dimensions, _dimensions));
        _ids[slot] = product.Id;
        _products[slot] = product;
        _hashes[slot] = contentHash;
        _columns.Set(slot, product);
        _lexical.Set(slot, lexical.Full);
        _names.Set(slot, lexical.Name);
    }

    private int Allocate()
    {
        if (_free.Count > 0)
        {
            return _free.Pop();
        }

        if (_highWater == _capacity)
        {
            Resize(_capacity == 0 ? 64 : checked(_capacity * 2));
        }

        return _highWater++;
    }

    private void Resize(int capacity)
    {
        var floats = (long)capacity * _dimensions;
        if (floats > Array.MaxLength)
        {
            throw new InvalidOperationException($"Generation '{Name}' cannot hold {capacity} vectors of {_dimensions} dimensions in one block ({floats} floats, at most {Array.MaxLength}).");
        }

        Array.Resize(ref _vectors, (int)floats);
        Array.Resize(ref _products, capacity);
        Array.Resize(ref _hashes, capacity);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _occupied, capacity / 64);
        _columns.Resize(capacity);
        _lexical.Resize(capacity);
        _names.Resize(capacity);
        _capacity = capacity;
    }

    private void ThrowIfDropped()
    {
        if (_dropped)
        {
            throw new GenerationNotFoundException($"Generation '{Name}' was dropped.");
        }
    }

    /// <summary>What one scan looks for: candidate bitset, unit query, threshold, a slot to skip.</summary>
    private sealed record ScanRequest(ulong[] Candidates, float[] Query, float Threshold, int ExcludeSlot);

    private static int RoundUp(int count) => (int)Math.Min(((long)count + 63) & ~63L, int.MaxValue - 63);

    /// <summary>
    /// Bounded min-heap of the best <c>capacity</c> hits seen: the root is the worst kept hit
    /// (lowest score; on equal scores the greatest product id), so a candidate only has to beat it.
    /// </summary>
    private sealed class TopK(int capacity, string?[] ids)
    {
        private readonly float[] _scores = new float[capacity];
        private readonly int[] _slots = new int[capacity];
        private int _count;

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
