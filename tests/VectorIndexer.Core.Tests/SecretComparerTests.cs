using System.Security.Cryptography;
using System.Text;
using VectorIndexer.Core.Security;

namespace VectorIndexer.Core.Tests;

public sealed class SecretComparerTests
{
    private const string Secret = "a-dashboard-key-0123456789";

    [Fact]
    public void FixedTimeEquals_TheSameSecret_Matches()
    {
        Assert.True(SecretComparer.FixedTimeEquals(Secret, new string(Secret.AsSpan())));
        Assert.True(SecretComparer.FixedTimeEquals("pässwörd-ünïcode", "pässwörd-ünïcode"));
    }

    [Theory]
    [InlineData("a-dashboard-key-0123456788")] // last character differs
    [InlineData("a-dashboard-key-012345678")] // a prefix
    [InlineData("a-dashboard-key-0123456789x")] // an extension
    [InlineData("A-DASHBOARD-KEY-0123456789")] // case matters
    [InlineData(" a-dashboard-key-0123456789")]
    public void FixedTimeEquals_AnotherSecret_DoesNotMatch(string presented)
    {
        Assert.False(SecretComparer.FixedTimeEquals(presented, Secret));
    }

    [Theory]
    [InlineData(null, Secret)]
    [InlineData("", Secret)]
    [InlineData(Secret, null)]
    [InlineData(Secret, "")]
    [InlineData(null, null)]
    [InlineData("", "")]
    public void FixedTimeEquals_ASecretThatIsNotSet_NeverMatches(string? presented, string? expected)
    {
        Assert.False(SecretComparer.FixedTimeEquals(presented, expected));
    }

    [Fact]
    public void HashSecret_IsTheSha256OfTheUtf8Bytes()
    {
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(Secret)), SecretComparer.HashSecret(Secret));
    }

    [Fact]
    public void MatchesHash_ComparesAgainstTheHashOfTheConfiguredSecret()
    {
        var expected = SecretComparer.HashSecret(Secret);

        Assert.True(SecretComparer.MatchesHash(Secret, expected));
        Assert.False(SecretComparer.MatchesHash(Secret + "x", expected));
        Assert.False(SecretComparer.MatchesHash(null, expected));
        Assert.False(SecretComparer.MatchesHash("", expected));
        Assert.False(SecretComparer.MatchesHash(Secret, ReadOnlySpan<byte>.Empty)); // no secret configured
    }
}
