using System.Security.Cryptography;
using System.Text;

namespace VectorIndexer.Core.Indexing;

/// <summary>
/// Deterministic point ids: the UUIDv5 (RFC 9562, SHA-1, name-based) of the product id in a fixed
/// VectorIndexer namespace. The same product always maps to the same point, so upserts are
/// idempotent without a lookup.
/// </summary>
public static class ProductPointId
{
    /// <summary>The namespace UUID of VectorIndexer product ids.</summary>
    public static readonly Guid Namespace = new("5f0e7c1a-9d3b-4c62-8a57-2b1e6f4d9a30");

    public static Guid For(string productId)
    {
        ArgumentNullException.ThrowIfNull(productId);
        Span<byte> ns = stackalloc byte[16];
        if (!Namespace.TryWriteBytes(ns, bigEndian: true, out _))
        {
            throw new InvalidOperationException("Could not write the namespace UUID.");
        }

        var name = Encoding.UTF8.GetBytes(productId);
        var input = new byte[16 + name.Length];
        ns.CopyTo(input);
        name.CopyTo(input, 16);
#pragma warning disable CA5350 // UUIDv5 is defined on SHA-1; the result is an identifier, not a security control.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
