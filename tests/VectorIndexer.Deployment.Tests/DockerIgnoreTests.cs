namespace VectorIndexer.Deployment.Tests;

/// <summary>.dockerignore: the build context holds what a clean build needs, and no outputs or secrets.</summary>
public sealed class DockerIgnoreTests
{
    private static readonly DockerIgnore Ignore = DockerIgnore.Load(Repository.PathOf(".dockerignore"));

    [Theory]
    [InlineData("src/VectorIndexer.Embedding/bin/Release/net10.0/VectorIndexer.Embedding.dll")]
    [InlineData("src/VectorIndexer.Worker.Host/obj/project.assets.json")]
    [InlineData("artifacts/models/all-MiniLM-L6-v2/model.onnx")] // extracted again from NuGet by the image build
    [InlineData("src/VectorIndexer.Worker.Host/data/worker/hangfire.db")]
    [InlineData(".env")]
    [InlineData(".env.local")]
    [InlineData(".git/HEAD")]
    [InlineData("tests/VectorIndexer.Core.Tests/VectorIndexer.Core.Tests.csproj")]
    public void Context_LeavesOut(string path)
    {
        Assert.True(Ignore.Excludes(path), $"'{path}' would be sent to the image build.");
    }

    [Fact]
    public void Context_KeepsWhatTheBuildNeeds()
    {
        var needed = new List<string> { "global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", ".editorconfig", "infra/http-probe.sh", "infra/prune-publish.sh" };
        needed.AddRange(Directory.EnumerateFiles(Repository.PathOf("src"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Repository.PathOf("."), p).Replace('\\', '/'))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/data/", StringComparison.Ordinal)));
        Assert.Contains("src/VectorIndexer.Embedding/build/BundledModels.targets", needed);
        foreach (var path in needed)
        {
            Assert.False(Ignore.Excludes(path), $"'{path}' is left out of the build context, but the image build needs it.");
        }
    }

    [Fact]
    public void Matcher_FollowsDockerSemantics()
    {
        var ignore = DockerIgnore.Parse(["**/bin/", "docs/", "*.md", "!README.md"]);
        Assert.True(ignore.Excludes("a/b/bin/x.dll"));
        Assert.True(ignore.Excludes("bin/x.dll"));
        Assert.True(ignore.Excludes("docs/x/y.png"));
        Assert.True(ignore.Excludes("NOTES.md"));
        Assert.False(ignore.Excludes("README.md"));
        Assert.False(ignore.Excludes("src/NOTES.md")); // '*' does not cross '/'
        Assert.False(ignore.Excludes("binary/x"));
    }
}
