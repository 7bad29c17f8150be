using System.Numerics;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Embedded;

/// <summary>
/// The in-memory inverted index of one generation: for every term id, the slots whose lexical
/// vector holds it, with the document-side BM25F weight. Document frequencies are kept exact, so
/// IDF is computed at query time over what the generation holds now, as Qdrant's IDF modifier does.
/// A replaced or deleted slot is not searched for in the postings: its entries carry the slot's
/// stamp at insert and are skipped once the stamp moves on, and a postings list is compacted when
/// more than half of it is stale. Not thread-safe: the generation's lock guards it.
/// </summary>
internal sealed class LexicalIndex
{
    private const int CancellationCheckPostings = 65_536;

    private readonly Dictionary<uint, Postings> _postings = [];
    private LexicalVector?[] _documents = [];
    private int[] _stamps = [];
    private int _count;

    /// <summary>Slots with a non-empty lexical vector: the N of IDF.</summary>
    public int DocumentCount => _count;

    /// <summary>Distinct terms held.</summary>
    public int TermCount => _postings.Count;

    public void Resize(int capacity)
    {
        Array.Resize(ref _documents, capacity);
        Array.Resize(ref _stamps, capacity);
    }

    /// <summary>Indexes <paramref name="vector"/> for <paramref name="slot"/>, replacing what the slot had.</summary>
    public void Set(int slot, LexicalVector vector)
    {
        Remove(slot);
        if (vector.Count == 0)
        {
            return;
        }

        var stamp = _stamps[slot];
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            if (!_postings.TryGetValue(vector.Indices[i], out var postings))
            {
                _postings[vector.Indices[i]] = postings = new Postings();
            }

            postings.Add(slot, stamp, vector.Values[i]);
        }

        _documents[slot] = vector;
        _count++;
    }

    /// <summary>Forgets the slot's vector, if it has one.</summary>
    public void Remove(int slot)
    {
        if (_documents[slot] is not { } previous)
        {
            return;
        }

        _documents[slot] = null;
        _stamps[slot]++;
        _count--;
        foreach (var term in previous.Indices)
        {
            var postings = _postings[term];
            postings.Stale++;
            if (postings.Live == 0)
            {
                _postings.Remove(term);
            }
            else if (postings.Stale > 16 && postings.Stale * 2 > postings.Count)
            {
                postings.Compact(_stamps);
            }
        }
    }

    /// <summary>
    /// Scores every candidate slot holding at least one query term (BM25F: Σ idf(t) · q_t · d_t)
    /// and reports it once, in no particular order, with its score.
    /// </summary>
    /// <param name="query">The query's vector.</param>
    /// <param name="candidates">Bitset of the slots that may be found (occupied, and matching the filter).</param>
    /// <param name="scores">Scratch space, at least one entry per slot, all zero; left all zero.</param>
    /// <param name="touched">Scratch list; cleared.</param>
    /// <param name="report">Receives (slot, score) for every slot found.</param>
    /// <param name="cancellationToken">Checked every few thousand postings.</param>
    public void Score(LexicalVector query, ReadOnlySpan<ulong> candidates, Span<float> scores, List<int> touched, Action<int, float> report, CancellationToken cancellationToken)
    {
        touched.Clear();
        var visited = 0;
        for (var q = 0; q < query.Indices.Length; q++)
        {
            if (!_postings.TryGetValue(query.Indices[q], out var postings))
            {
                continue;
            }

            var weight = (float)(LexicalEncoder.Idf(_count, postings.Live) * query.Values[q]);
            var slots = postings.Slots;
            var stamps = postings.Stamps;
            var values = postings.Values;
            for (var i = 0; i < postings.Count; i++)
            {
                if (++visited % CancellationCheckPostings == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var slot = slots[i];
                if (stamps[i] != _stamps[slot] || (candidates[slot >> 6] & (1UL << (slot & 63))) == 0)
                {
                    continue;
                }

                if (scores[slot] == 0)
                {
                    touched.Add(slot);
                }

                scores[slot] += weight * values[i];
            }
        }

        foreach (var slot in touched)
        {
            report(slot, scores[slot]);
            scores[slot] = 0;
        }

        touched.Clear();
    }

    /// <summary>The postings of one term: parallel arrays, appended to, compacted in place.</summary>
    private sealed class Postings
    {
        public int[] Slots = new int[4];
        public int[] Stamps = new int[4];
        public float[] Values = new float[4];
        public int Count;
        public int Stale;

        public int Live => Count - Stale;

        public void Add(int slot, int stamp, float value)
        {
            if (Count == Slots.Length)
            {
                var capacity = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Count + 1), Array.MaxLength);
                Array.Resize(ref Slots, capacity);
                Array.Resize(ref Stamps, capacity);
                Array.Resize(ref Values, capacity);
            }

            Slots[Count] = slot;
            Stamps[Count] = stamp;
            Values[Count] = value;
            Count++;
        }

        /// <summary>Drops the entries whose slot has moved on to another stamp.</summary>
        public void Compact(int[] currentStamps)
        {
            var kept = 0;
            for (var i = 0; i < Count; i++)
            {
                if (Stamps[i] == currentStamps[Slots[i]])
                {
                    Slots[kept] = Slots[i];
                    Stamps[kept] = Stamps[i];
                    Values[kept] = Values[i];
                    kept++;
                }
            }

            Count = kept;
            Stale = 0;
        }
    }
}
