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
