using System.Text.RegularExpressions;

namespace VectorIndexer.Index.Qdrant.Tests;

public sealed class ComposeFileTests
{
    [Fact]
    public void QdrantImage_IsPinnedToAnExactRelease()
    {
        var image = ComposeFile.ServiceImage("qdrant");
        var tag = ComposeFile.Tag(image);

        Assert.StartsWith("qdrant/qdrant:", image, StringComparison.Ordinal);
        Assert.NotNull(tag);
        Assert.NotEqual("latest", tag, StringComparer.OrdinalIgnoreCase);
        Assert.Matches(new Regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$"), tag);
    }

    [Fact]
    public void QdrantService_TakesItsApiKeyFromTheEnvironment_AndKeepsItsData()
    {
        var text = File.ReadAllText(ComposeFile.Path);

        Assert.Matches(new Regex("QDRANT__SERVICE__API_KEY: \\$\\{QDRANT_API_KEY"), text);
        // Published for tests and hosts outside compose, on this machine only.
        Assert.Contains("\"127.0.0.1:6333:6333\"", text, StringComparison.Ordinal);
        Assert.Contains("\"127.0.0.1:6334:6334\"", text, StringComparison.Ordinal);
        Assert.Contains("qdrant-storage:/qdrant/storage", text, StringComparison.Ordinal);
        Assert.Contains("healthcheck:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceImage_ReadsOnlyTheNamedServicesImage()
    {
        string[] lines =
        [
            "# comment: image: nope",
            "services:",
            "  other:",
            "    image: busybox:1.36",
            "  qdrant:",
            "    restart: always",
            "    image: \"qdrant/qdrant:v1.2.3\" # pinned",
            "    environment:",
            "      image: not-this-one",
            "volumes:",
            "  data:",
        ];

        Assert.Equal("qdrant/qdrant:v1.2.3", ComposeFile.ServiceImage(lines, "qdrant"));
        Assert.Equal("busybox:1.36", ComposeFile.ServiceImage(lines, "other"));
        Assert.Throws<InvalidOperationException>(() => ComposeFile.ServiceImage(lines, "data"));
    }

    [Theory]
    [InlineData("qdrant/qdrant:v1.20.0", "v1.20.0")]
    [InlineData("qdrant/qdrant", null)]
    [InlineData("registry:5000/qdrant/qdrant", null)]
    [InlineData("registry:5000/qdrant/qdrant:latest", "latest")]
    public void Tag_IsWhatFollowsTheLastColonAfterTheLastSlash(string image, string? expected)
    {
        Assert.Equal(expected, ComposeFile.Tag(image));
    }
}
