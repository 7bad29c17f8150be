namespace VectorIndexer.Evaluation.Tests;

public sealed class EmbeddingCacheTests : IDisposable
{
    private const string Model = "test-model";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Hash(string text) => ProductTextComposer.ContentHash(text);

    private Task<EmbeddingCache> OpenAsync(string model = Model, int maxLength = 256, int dimensions = 3) =>
        EmbeddingCache.OpenAsync(_dir.Path, model, maxLength, dimensions, TestContext.Current.CancellationToken);

    [Fact]
    public async Task SavedVectors_AreHitsAfterReopening_AndOtherTextsMiss()
    {
        var cache = await OpenAsync();
        Assert.False(cache.TryGet(Hash("red shoes"), out _));
        cache.Set(Hash("red shoes"), [1f, 2f, 3f]);
        await cache.SaveAsync(TestContext.Current.CancellationToken);

        var reopened = await OpenAsync();

        Assert.True(reopened.TryGet(Hash("red shoes"), out var vector));
        Assert.Equal([1f, 2f, 3f], vector);
        Assert.False(reopened.TryGet(Hash("red shoes "), out _));
        Assert.Equal(1, reopened.Count);
        Assert.Null(reopened.LoadProblem);
        Assert.False(reopened.IsDirty);
    }

    [Fact]
    public async Task OtherModelOrMaxLength_StartsEmpty()
    {
        var cache = await OpenAsync();
        cache.Set(Hash("red shoes"), [1f, 2f, 3f]);
        await cache.SaveAsync(TestContext.Current.CancellationToken);

        var otherModel = await OpenAsync(model: "other-model");
        var otherLength = await OpenAsync(maxLength: 128);

        Assert.Equal(0, otherModel.Count);
        Assert.Equal(0, otherLength.Count);
        Assert.NotEqual(cache.FilePath, otherModel.FilePath);
        Assert.NotEqual(cache.FilePath, otherLength.FilePath);
    }

    [Fact]
    public async Task SameModelName_WithOtherPoolingOrPrefix_StartsEmpty_InAReadableFile()
    {
        const string Mean = "some-model|sha256:ab|pooling=Mean|document=";
        const string Cls = "some-model|sha256:ab|pooling=Cls|document=";
        const string Prefixed = "some-model|sha256:ab|pooling=Mean|document=passage: ";
        var cache = await OpenAsync(model: Mean);
        cache.Set(Hash("red shoes"), [1f, 2f, 3f]);
        await cache.SaveAsync(TestContext.Current.CancellationToken);

        var cls = await OpenAsync(model: Cls);
        var prefixed = await OpenAsync(model: Prefixed);

        Assert.Equal(0, cls.Count);
        Assert.Equal(0, prefixed.Count);
        Assert.Equal(1, (await OpenAsync(model: Mean)).Count);
        Assert.StartsWith("some-model-", Path.GetFileName(cache.FilePath), StringComparison.Ordinal);
        Assert.Equal(3, new[] { cache.FilePath, cls.FilePath, prefixed.FilePath }.Distinct().Count());
    }

    [Fact]
    public async Task FileOfAnotherModel_UnderThisName_IsIgnoredWithAReason()
    {
        var other = await OpenAsync(model: "other-model");
        other.Set(Hash("red shoes"), [1f, 2f, 3f]);
        await other.SaveAsync(TestContext.Current.CancellationToken);
        File.Copy(other.FilePath, Path.Combine(_dir.Path, EmbeddingCache.FileNameFor(Model, 256)));

        var cache = await OpenAsync();

        Assert.Equal(0, cache.Count);
        Assert.Contains("other-model", cache.LoadProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangedDimensions_AreIgnored()
    {
        var cache = await OpenAsync();
        cache.Set(Hash("a"), [1f, 2f, 3f]);
        await cache.SaveAsync(TestContext.Current.CancellationToken);

        var wider = await OpenAsync(dimensions: 4);

        Assert.Equal(0, wider.Count);
        Assert.NotNull(wider.LoadProblem);
    }

    [Fact]
    public async Task GarbageFile_IsIgnored_AndReplacedOnSave()
    {
        var path = Path.Combine(_dir.Path, EmbeddingCache.FileNameFor(Model, 256));
        await File.WriteAllTextAsync(path, "not a cache at all", TestContext.Current.CancellationToken);

        var cache = await OpenAsync();
        Assert.Equal(0, cache.Count);
        Assert.NotNull(cache.LoadProblem);
        cache.Set(Hash("a"), [1f, 0f, 0f]);
        await cache.SaveAsync(TestContext.Current.CancellationToken);

        var reopened = await OpenAsync();
        Assert.Null(reopened.LoadProblem);
        Assert.True(reopened.TryGet(Hash("a"), out _));
    }

    [Fact]
    public async Task TruncatedFile_KeepsTheCompleteVectors()
    {
        var cache = await OpenAsync();
        cache.Set(Hash("a"), [1f, 0f, 0f]);
        cache.Set(Hash("b"), [0f, 1f, 0f]);
        await cache.SaveAsync(TestContext.Current.CancellationToken);
        var bytes = await File.ReadAllBytesAsync(cache.FilePath, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(cache.FilePath, bytes[..^5], TestContext.Current.CancellationToken);

        var reopened = await OpenAsync();

        Assert.Equal(1, reopened.Count);
        Assert.Contains("truncated", reopened.LoadProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileCutInsideTheHeader_IsIgnored()
    {
        var cache = await OpenAsync();
        cache.Set(Hash("a"), [1f, 0f, 0f]);
        await cache.SaveAsync(TestContext.Current.CancellationToken);
        var bytes = await File.ReadAllBytesAsync(cache.FilePath, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(cache.FilePath, bytes[..10], TestContext.Current.CancellationToken);

        var reopened = await OpenAsync();

        Assert.Equal(0, reopened.Count);
        Assert.NotNull(reopened.LoadProblem);
    }

    [Fact]
    public async Task Set_RejectsWrongDimensionsAndMalformedHashes()
    {
        var cache = await OpenAsync();

        Assert.Throws<ArgumentException>(() => cache.Set(Hash("a"), [1f, 2f]));
        Assert.Throws<ArgumentException>(() => cache.Set("not-a-hash", [1f, 2f, 3f]));
    }
}
