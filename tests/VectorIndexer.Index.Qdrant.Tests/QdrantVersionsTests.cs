namespace VectorIndexer.Index.Qdrant.Tests;

public sealed class QdrantVersionsTests
{
    [Theory]
    [InlineData("1.20.0", 1, 20, 0)]
    [InlineData("v1.20.3", 1, 20, 3)]
    [InlineData("V1.9.1", 1, 9, 1)]
    [InlineData("1.21.0-rc.1", 1, 21, 0)]
    [InlineData("1.20.0+5c3a1b2", 1, 20, 0)]
    [InlineData("1.20", 1, 20, 0)]
    [InlineData(" 2.0.1 ", 2, 0, 1)]
    public void TryParse_ReadsMajorMinorPatch(string text, int major, int minor, int patch)
    {
        Assert.True(QdrantVersions.TryParse(text, out var version));
        Assert.Equal(new Version(major, minor, patch), version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("1")]
    [InlineData("1.x.0")]
    [InlineData("-1.2.3")]
    public void TryParse_RejectsWhatIsNotAVersion(string? text)
    {
        Assert.False(QdrantVersions.TryParse(text, out _));
    }

    [Theory]
    [InlineData("1.20.0", "1.20.0", VersionDrift.None)]
    [InlineData("1.20.0", "1.20.4", VersionDrift.Patch)]
    [InlineData("1.20.2", "1.20.0", VersionDrift.Patch)]
    [InlineData("1.20.0", "1.21.0", VersionDrift.Minor)]
    [InlineData("1.20.0", "1.19.9", VersionDrift.Minor)]
    [InlineData("1.20.0", "1.12.0", VersionDrift.Minor)]
    [InlineData("1.20.0", "2.0.0", VersionDrift.Major)]
    [InlineData("1.20.0", "0.20.0", VersionDrift.Major)]
    public void Compare_SaysHowFarApart(string client, string server, VersionDrift expected)
    {
        Assert.Equal(expected, QdrantVersions.Compare(Parse(client), Parse(server)));
    }

    [Theory]
    [InlineData("1.20.0", "1.20.7", false)]
    [InlineData("1.20.0", "1.21.0", true)]
    [InlineData("1.20.0", "1.19.0", true)]
    [InlineData("1.20.0", "2.20.0", true)]
    public void ShouldWarn_FromOneMinorVersionApart(string client, string server, bool expected)
    {
        Assert.Equal(expected, QdrantVersions.ShouldWarn(Parse(client), Parse(server)));
    }

    [Fact]
    public void ClientVersion_IsTheQdrantClientPackageVersion()
    {
        var version = QdrantVersions.ClientVersion;

        Assert.NotNull(version);
        Assert.Equal(1, version.Major);
        Assert.True(version.Minor >= 20, $"Qdrant.Client {version} is older than the 1.20 this project pins.");
    }

    [Fact]
    public void PinnedServerImage_IsOnTheClientsMinorVersion()
    {
        var tag = ComposeFile.Tag(ComposeFile.ServiceImage("qdrant"));

        Assert.True(QdrantVersions.TryParse(tag, out var server), $"The pinned Qdrant tag '{tag}' is not a version.");
        Assert.False(
            QdrantVersions.ShouldWarn(QdrantVersions.ClientVersion!, server),
            $"docker-compose.yml pins Qdrant {server} but the client library is {QdrantVersions.ClientVersion}: keep them on the same minor version.");
    }

    private static Version Parse(string text) => QdrantVersions.TryParse(text, out var version) ? version : throw new FormatException(text);
}
