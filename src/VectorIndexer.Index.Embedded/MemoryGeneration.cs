using System.Buffers;
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
internal sealed partial class MemoryGeneration : IDisposable
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

    public void Dispose() => _lock.Dispose();

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

    private static int RoundUp(int count) => (int)Math.Min(((long)count + 63) & ~63L, int.MaxValue - 63);
}
