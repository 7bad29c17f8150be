using System.Security.Cryptography;
using System.Text;

namespace VectorIndexer.Core.Security;

/// <summary>
/// Compares a presented secret (an API key, a password) with the configured one without the timing
/// revealing either its content or its length: both sides are hashed with SHA-256 (as UTF-8) and
/// the two 32-byte hashes compared with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// </summary>
public static class SecretComparer
{
    /// <summary>
    /// True when <paramref name="presented"/> equals <paramref name="expected"/> (ordinal). A secret
    /// that is not set (null or empty) on either side never matches, so "no key configured" and "no
    /// key presented" can never authorize anything.
    /// </summary>
    public static bool FixedTimeEquals(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(expected))
        {
            return false;
        }

        Span<byte> expectedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(expected, expectedHash);
        return MatchesHash(presented, expectedHash);
    }

    /// <summary>
    /// The SHA-256 hash of <paramref name="secret"/> (UTF-8), for a caller that keeps only the hash of
    /// the configured secret and checks presented ones with <see cref="MatchesHash"/>.
    /// </summary>
    public static byte[] HashSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var hash = new byte[SHA256.HashSizeInBytes];
        Hash(secret, hash);
        return hash;
    }

    /// <summary>
    /// True when the SHA-256 hash of <paramref name="presented"/> equals <paramref name="expectedHash"/>
    /// (from <see cref="HashSecret"/>), compared in fixed time. False for a null or empty secret and
    /// for an expected hash that is not 32 bytes (none configured).
    /// </summary>
    public static bool MatchesHash(string? presented, ReadOnlySpan<byte> expectedHash)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(presented, presentedHash);
        // Unequal lengths only when the expected hash is not a SHA-256 hash: nothing secret leaks.
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash);
    }

    private static void Hash(string secret, Span<byte> destination)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        try
        {
            SHA256.HashData(bytes, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
