using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VectorIndexer.Index.Embedded;

/// <summary>
/// Dot products of rows of the vector block with the query, four rows at a time: four
/// independent memory streams keep more loads in flight than one row after another, which is
/// what a scan bound by memory bandwidth needs. <see cref="One"/> runs exactly the same operations
/// per row as <see cref="Four"/>, so a row scores the same bits whichever path scores it (ties
/// stay ties and are broken by product id).
/// </summary>
internal static class DotKernel
{
    /// <summary>Scores rows at offsets <paramref name="o0"/>..<paramref name="o3"/> (in floats) of <paramref name="block"/>.</summary>
    public static void Four(float[] block, int o0, int o1, int o2, int o3, ReadOnlySpan<float> query, Span<float> scores)
    {
        var dimensions = query.Length;
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var v = ref MemoryMarshal.GetArrayDataReference(block);
        if (Vector512.IsHardwareAccelerated && dimensions % Vector512<float>.Count == 0)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var d = 0; d < dimensions; d += Vector512<float>.Count)
            {
                var x = Vector512.LoadUnsafe(ref q, (nuint)d);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref v, (nuint)(o0 + d)), x, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref v, (nuint)(o1 + d)), x, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref v, (nuint)(o2 + d)), x, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref v, (nuint)(o3 + d)), x, a3);
            }

            scores[0] = Vector512.Sum(a0);
            scores[1] = Vector512.Sum(a1);
            scores[2] = Vector512.Sum(a2);
            scores[3] = Vector512.Sum(a3);
        }
        else if (Vector256.IsHardwareAccelerated && dimensions % Vector256<float>.Count == 0)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var d = 0; d < dimensions; d += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref q, (nuint)d);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, (nuint)(o0 + d)), x, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, (nuint)(o1 + d)), x, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, (nuint)(o2 + d)), x, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, (nuint)(o3 + d)), x, a3);
            }

            scores[0] = Vector256.Sum(a0);
            scores[1] = Vector256.Sum(a1);
            scores[2] = Vector256.Sum(a2);
            scores[3] = Vector256.Sum(a3);
        }
        else
        {
            scores[0] = Scalar(block.AsSpan(o0, dimensions), query);
            scores[1] = Scalar(block.AsSpan(o1, dimensions), query);
            scores[2] = Scalar(block.AsSpan(o2, dimensions), query);
            scores[3] = Scalar(block.AsSpan(o3, dimensions), query);
        }
    }

    /// <summary>Scores the row at offset <paramref name="offset"/>, bit for bit as <see cref="Four"/> would.</summary>
    public static float One(float[] block, int offset, ReadOnlySpan<float> query)
    {
        var dimensions = query.Length;
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var v = ref MemoryMarshal.GetArrayDataReference(block);
        if (Vector512.IsHardwareAccelerated && dimensions % Vector512<float>.Count == 0)
        {
            Vector512<float> a = default;
            for (var d = 0; d < dimensions; d += Vector512<float>.Count)
            {
                a = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref v, (nuint)(offset + d)), Vector512.LoadUnsafe(ref q, (nuint)d), a);
            }

            return Vector512.Sum(a);
        }

        if (Vector256.IsHardwareAccelerated && dimensions % Vector256<float>.Count == 0)
        {
            Vector256<float> a = default;
            for (var d = 0; d < dimensions; d += Vector256<float>.Count)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, (nuint)(offset + d)), Vector256.LoadUnsafe(ref q, (nuint)d), a);
            }

            return Vector256.Sum(a);
        }

        return Scalar(block.AsSpan(offset, dimensions), query);
    }

    /// <summary>
    /// Scores four rows (<paramref name="q0"/>..<paramref name="q3"/>, offsets in floats) against two
    /// others (<paramref name="c0"/>, <paramref name="c1"/>) of the same block: eight dot products
    /// from six streams, for all-pairs work where each row is loaded once per pair of candidates.
    /// <c>scores[2 * q + c]</c> is query q with candidate c, bit for bit as <see cref="One"/> gives it.
    /// </summary>
    public static void FourByTwo(float[] block, int q0, int q1, int q2, int q3, int c0, int c1, int dimensions, Span<float> scores)
    {
        ref var v = ref MemoryMarshal.GetArrayDataReference(block);
        if (Vector512.IsHardwareAccelerated && dimensions % Vector512<float>.Count == 0)
        {
            Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
            for (var d = 0; d < dimensions; d += Vector512<float>.Count)
            {
                var x0 = Vector512.LoadUnsafe(ref v, (nuint)(c0 + d));
                var x1 = Vector512.LoadUnsafe(ref v, (nuint)(c1 + d));
                var y = Vector512.LoadUnsafe(ref v, (nuint)(q0 + d));
                a00 = Vector512.FusedMultiplyAdd(x0, y, a00);
                a01 = Vector512.FusedMultiplyAdd(x1, y, a01);
                y = Vector512.LoadUnsafe(ref v, (nuint)(q1 + d));
                a10 = Vector512.FusedMultiplyAdd(x0, y, a10);
                a11 = Vector512.FusedMultiplyAdd(x1, y, a11);
                y = Vector512.LoadUnsafe(ref v, (nuint)(q2 + d));
                a20 = Vector512.FusedMultiplyAdd(x0, y, a20);
                a21 = Vector512.FusedMultiplyAdd(x1, y, a21);
                y = Vector512.LoadUnsafe(ref v, (nuint)(q3 + d));
                a30 = Vector512.FusedMultiplyAdd(x0, y, a30);
                a31 = Vector512.FusedMultiplyAdd(x1, y, a31);
            }

            scores[0] = Vector512.Sum(a00);
            scores[1] = Vector512.Sum(a01);
            scores[2] = Vector512.Sum(a10);
            scores[3] = Vector512.Sum(a11);
            scores[4] = Vector512.Sum(a20);
            scores[5] = Vector512.Sum(a21);
            scores[6] = Vector512.Sum(a30);
            scores[7] = Vector512.Sum(a31);
        }
        else if (Vector256.IsHardwareAccelerated && dimensions % Vector256<float>.Count == 0)
        {
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
            for (var d = 0; d < dimensions; d += Vector256<float>.Count)
            {
                var x0 = Vector256.LoadUnsafe(ref v, (nuint)(c0 + d));
                var x1 = Vector256.LoadUnsafe(ref v, (nuint)(c1 + d));
                var y = Vector256.LoadUnsafe(ref v, (nuint)(q0 + d));
                a00 = Vector256.FusedMultiplyAdd(x0, y, a00);
                a01 = Vector256.FusedMultiplyAdd(x1, y, a01);
                y = Vector256.LoadUnsafe(ref v, (nuint)(q1 + d));
                a10 = Vector256.FusedMultiplyAdd(x0, y, a10);
                a11 = Vector256.FusedMultiplyAdd(x1, y, a11);
                y = Vector256.LoadUnsafe(ref v, (nuint)(q2 + d));
                a20 = Vector256.FusedMultiplyAdd(x0, y, a20);
                a21 = Vector256.FusedMultiplyAdd(x1, y, a21);
                y = Vector256.LoadUnsafe(ref v, (nuint)(q3 + d));
                a30 = Vector256.FusedMultiplyAdd(x0, y, a30);
                a31 = Vector256.FusedMultiplyAdd(x1, y, a31);
            }

            scores[0] = Vector256.Sum(a00);
            scores[1] = Vector256.Sum(a01);
            scores[2] = Vector256.Sum(a10);
            scores[3] = Vector256.Sum(a11);
            scores[4] = Vector256.Sum(a20);
            scores[5] = Vector256.Sum(a21);
            scores[6] = Vector256.Sum(a30);
            scores[7] = Vector256.Sum(a31);
        }
        else
        {
            Span<int> queries = [q0, q1, q2, q3];
            for (var q = 0; q < 4; q++)
            {
                var query = block.AsSpan(queries[q], dimensions);
                scores[2 * q] = Scalar(block.AsSpan(c0, dimensions), query);
                scores[(2 * q) + 1] = Scalar(block.AsSpan(c1, dimensions), query);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Scalar(ReadOnlySpan<float> row, ReadOnlySpan<float> query)
    {
        var sum = 0f;
        for (var i = 0; i < row.Length; i++)
        {
            sum = MathF.FusedMultiplyAdd(row[i], query[i], sum);
        }

        return sum;
    }
}
