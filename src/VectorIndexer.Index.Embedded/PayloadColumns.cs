using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;

namespace VectorIndexer.Index.Embedded;

/// <summary>
/// The filterable payload of a generation, one array per field indexed by slot, so that a filter
/// is evaluated column by column into a bitset before the vector scan: keyword values are interned
/// to ints (-1: missing), numbers are doubles (NaN: missing), booleans are sbytes (-1: missing).
/// Filters then cost a pass over small arrays instead of a dictionary lookup per record.
/// Not thread-safe: the owning <see cref="MemoryGeneration"/> guards it with its lock.
/// </summary>
internal sealed class PayloadColumns
{
    private readonly Dictionary<string, KeywordColumn> _keywords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NumberColumn> _numbers = new(StringComparer.Ordinal);
    private readonly CategoryColumn _category = new();
    private readonly BoolColumn _inStock = new();

    public PayloadColumns(IReadOnlyList<string> filterableAttributes)
    {
        _keywords[ProductSchema.Brand] = new KeywordColumn(p => p.Brand);
        _keywords[ProductSchema.Color] = new KeywordColumn(p => p.Color);
        _keywords[ProductSchema.Currency] = new KeywordColumn(p => p.Currency);
        foreach (var attribute in filterableAttributes)
        {
            _keywords[ProductSchema.AttributePrefix + attribute] = new KeywordColumn(p => p.Attributes.TryGetValue(attribute, out var value) ? value : null);
        }

        _numbers[ProductSchema.Price] = new NumberColumn(p => p.Price is decimal price ? (double)price : null);
        _numbers[ProductSchema.Rating] = new NumberColumn(p => p.Rating);
        _numbers[ProductSchema.RatingCount] = new NumberColumn(p => p.RatingCount);
    }

    public void Resize(int capacity)
    {
        foreach (var column in _keywords.Values)
        {
            column.Resize(capacity);
        }

        foreach (var column in _numbers.Values)
        {
            column.Resize(capacity);
        }

        _category.Resize(capacity);
        _inStock.Resize(capacity);
    }

    public void Set(int slot, Product product)
    {
        foreach (var column in _keywords.Values)
        {
            column.Set(slot, product);
        }

        foreach (var column in _numbers.Values)
        {
            column.Set(slot, product);
        }

        _category.Set(slot, product);
        _inStock.Set(slot, product.InStock);
    }

    public void Clear(int slot)
    {
        foreach (var column in _keywords.Values)
        {
            column.Values[slot] = -1;
        }

        foreach (var column in _numbers.Values)
        {
            column.Values[slot] = double.NaN;
        }

        _category.Values[slot] = [];
        _inStock.Values[slot] = -1;
    }

    /// <summary>
    /// Writes the slots matching <paramref name="filter"/> into <paramref name="bits"/> (one bit per
    /// slot, <paramref name="occupied"/>.Length words). The filter has been validated against the schema.
    /// </summary>
    public void Evaluate(ProductFilter filter, ReadOnlySpan<ulong> occupied, Span<ulong> bits)
    {
        switch (filter)
        {
            case AndFilter and:
                occupied.CopyTo(bits);
                if (and.Filters.Count > 0)
                {
                    using var scratch = new PooledBits(bits.Length);
                    foreach (var child in and.Filters)
                    {
                        Evaluate(child, occupied, scratch.Span);
                        Bits.And(bits, scratch.Span);
                    }
                }

                return;
            case OrFilter or:
                bits.Clear();
                if (or.Filters.Count > 0)
                {
                    using var scratch = new PooledBits(bits.Length);
                    foreach (var child in or.Filters)
                    {
                        Evaluate(child, occupied, scratch.Span);
                        Bits.Or(bits, scratch.Span);
                    }
                }

                return;
            case NotFilter not:
                Evaluate(not.Filter, occupied, bits);
                Bits.Complement(bits, occupied);
                return;
            case KeywordFilter keyword:
                if (keyword.Field == ProductSchema.Category)
                {
                    _category.MatchAny(keyword.Values, occupied, bits);
                }
                else
                {
                    _keywords[keyword.Field].MatchAny(keyword.Values, bits);
                }

                if (keyword.Match == KeywordMatch.None)
                {
                    Bits.Complement(bits, occupied);
                }

                return;
            case RangeFilter range:
                _numbers[range.Field].MatchRange(range.Min ?? double.NegativeInfinity, range.Max ?? double.PositiveInfinity, bits);
                return;
            case BoolFilter boolean:
                _inStock.Match(boolean.Value, bits);
                return;
            default:
                throw new FilterValidationException("filter", $"unknown filter type {filter.GetType().Name}.");
        }
    }

    /// <summary>A single-valued keyword field, values interned to ints.</summary>
    private sealed class KeywordColumn(Func<Product, string?> read)
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

        public int[] Values { get; private set; } = [];

        public void Resize(int capacity)
        {
            var old = Values.Length;
            var values = Values;
            Array.Resize(ref values, capacity);
            values.AsSpan(old).Fill(-1);
            Values = values;
        }

        public void Set(int slot, Product product) => Values[slot] = read(product) is string value ? Intern(_ids, value) : -1;

        public void MatchAny(IReadOnlyList<string> values, Span<ulong> bits)
        {
            bits.Clear();
            var ids = new List<int>(values.Count);
            foreach (var value in values)
            {
                if (_ids.TryGetValue(value, out var id) && !ids.Contains(id))
                {
                    ids.Add(id);
                }
            }

            if (ids.Count == 0)
            {
                return;
            }

            if (ids.Count <= 8)
            {
                foreach (var id in ids)
                {
                    Bits.OrEquals(Values, id, bits);
                }

                return;
            }

            var accept = new bool[_ids.Count];
            foreach (var id in ids)
            {
                accept[id] = true;
            }

            var column = Values;
            for (var w = 0; w < bits.Length; w++)
            {
                ulong word = 0;
                var baseSlot = w * 64;
                for (var b = 0; b < 64; b++)
                {
                    var id = column[baseSlot + b];
                    if (id >= 0 && accept[id])
                    {
                        word |= 1UL << b;
                    }
                }

                bits[w] = word;
            }
        }
    }

    /// <summary>The category path: a product matches a value at any level.</summary>
    private sealed class CategoryColumn
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

        public int[][] Values { get; private set; } = [];

        public void Resize(int capacity)
        {
            var old = Values.Length;
            var values = Values;
            Array.Resize(ref values, capacity);
            values.AsSpan(old).Fill([]);
            Values = values;
        }

        public void Set(int slot, Product product)
        {
            if (product.Category.Count == 0)
            {
                Values[slot] = [];
                return;
            }

            var levels = new int[product.Category.Count];
            for (var i = 0; i < levels.Length; i++)
            {
                levels[i] = Intern(_ids, product.Category[i]);
            }

            Values[slot] = levels;
        }

        public void MatchAny(IReadOnlyList<string> values, ReadOnlySpan<ulong> occupied, Span<ulong> bits)
        {
            bits.Clear();
            var accept = new bool[_ids.Count];
            var any = false;
            foreach (var value in values)
            {
                if (_ids.TryGetValue(value, out var id))
                {
                    accept[id] = true;
                    any = true;
                }
            }

            if (!any)
            {
                return;
            }

            var column = Values;
            for (var w = 0; w < occupied.Length; w++)
            {
                var word = occupied[w];
                ulong result = 0;
                while (word != 0)
                {
                    var bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    foreach (var id in column[(w * 64) + bit])
                    {
                        if (accept[id])
                        {
                            result |= 1UL << bit;
                            break;
                        }
                    }
                }

                bits[w] = result;
            }
        }
    }

    /// <summary>A numeric field; NaN marks a product without it, and NaN fails every comparison.</summary>
    private sealed class NumberColumn(Func<Product, double?> read)
    {
        public double[] Values { get; private set; } = [];

        public void Resize(int capacity)
        {
            var old = Values.Length;
            var values = Values;
            Array.Resize(ref values, capacity);
            values.AsSpan(old).Fill(double.NaN);
            Values = values;
        }

        public void Set(int slot, Product product) => Values[slot] = read(product) ?? double.NaN;

        public void MatchRange(double min, double max, Span<ulong> bits)
        {
            var column = Values;
            for (var w = 0; w < bits.Length; w++)
            {
                ulong word = 0;
                var baseSlot = w * 64;
                for (var b = 0; b < 64; b++)
                {
                    var value = column[baseSlot + b];
                    word |= (value >= min && value <= max ? 1UL : 0UL) << b;
                }

                bits[w] = word;
            }
        }
    }

    /// <summary>A boolean field: 1 true, 0 false, -1 missing.</summary>
    private sealed class BoolColumn
    {
        public sbyte[] Values { get; private set; } = [];

        public void Resize(int capacity)
        {
            var old = Values.Length;
            var values = Values;
            Array.Resize(ref values, capacity);
            values.AsSpan(old).Fill(-1);
            Values = values;
        }

        public void Set(int slot, bool? value) => Values[slot] = value switch
        {
            true => 1,
            false => 0,
            null => -1,
        };

        public void Match(bool value, Span<ulong> bits)
        {
            var wanted = value ? (sbyte)1 : (sbyte)0;
            var column = Values;
            for (var w = 0; w < bits.Length; w++)
            {
                ulong word = 0;
                var baseSlot = w * 64;
                for (var b = 0; b < 64; b++)
                {
                    word |= (column[baseSlot + b] == wanted ? 1UL : 0UL) << b;
                }

                bits[w] = word;
            }
        }
    }

    private static int Intern(Dictionary<string, int> ids, string value)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(ids, value, out var exists);
        if (!exists)
        {
            id = ids.Count - 1;
        }

        return id;
    }
}

/// <summary>Bitset helpers over spans of 64-bit words (bit b of word w is slot 64w + b).</summary>
internal static class Bits
{
    public static int WordsFor(int slots) => (slots + 63) >> 6;

    public static void And(Span<ulong> target, ReadOnlySpan<ulong> other)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] &= other[i];
        }
    }

    public static void Or(Span<ulong> target, ReadOnlySpan<ulong> other)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] |= other[i];
        }
    }

    /// <summary>target = occupied and not target.</summary>
    public static void Complement(Span<ulong> target, ReadOnlySpan<ulong> occupied)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = occupied[i] & ~target[i];
        }
    }

    public static long Count(ReadOnlySpan<ulong> bits)
    {
        long count = 0;
        foreach (var word in bits)
        {
            count += System.Numerics.BitOperations.PopCount(word);
        }

        return count;
    }

    /// <summary>Sets the bit of every slot whose value equals <paramref name="value"/>, eight ints per compare.</summary>
    public static void OrEquals(int[] column, int value, Span<ulong> bits)
    {
        if (column.Length < bits.Length * 64)
        {
            throw new ArgumentException("The column is shorter than the bitset.", nameof(column));
        }

        ref var start = ref MemoryMarshal.GetArrayDataReference(column);
        var target = Vector256.Create(value);
        for (var w = 0; w < bits.Length; w++)
        {
            ulong word = 0;
            var baseSlot = (nuint)(w * 64);
            for (nuint c = 0; c < 8; c++)
            {
                var chunk = Vector256.LoadUnsafe(ref start, baseSlot + (c * 8));
                word |= (ulong)Vector256.Equals(chunk, target).ExtractMostSignificantBits() << (int)(c * 8);
            }

            bits[w] |= word;
        }
    }
}

/// <summary>A bitset rented from the shared pool for the span of one filter evaluation.</summary>
internal readonly struct PooledBits : IDisposable
{
    private readonly ulong[] _array;
    private readonly int _length;

    public PooledBits(int length)
    {
        _array = System.Buffers.ArrayPool<ulong>.Shared.Rent(length);
        _length = length;
    }

    public Span<ulong> Span => _array.AsSpan(0, _length);

    public void Dispose() => System.Buffers.ArrayPool<ulong>.Shared.Return(_array);
}
