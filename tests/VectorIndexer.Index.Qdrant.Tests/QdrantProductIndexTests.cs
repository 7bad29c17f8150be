using System.ComponentModel.DataAnnotations;
using Qdrant.Client;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// What the index decides before it talks to Qdrant, and how it fails when Qdrant is not there.
/// No server is needed: the client points at a closed local port.
/// </summary>
public sealed class QdrantProductIndexTests : IDisposable
{
    private readonly QdrantIndexOptions _options = new()
    {
        // Port 1 on the loopback: nothing listens, connections are refused at once.
        Endpoint = new Uri("http://127.0.0.1:1"),
        CollectionPrefix = "unit",
        FilterableAttributes = { "material" },
        MaxRetries = 1,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(2),
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    private readonly QdrantClient _client;
    private readonly QdrantProductIndex _index;

    public QdrantProductIndexTests()
    {
        _client = QdrantProductIndex.CreateClient(_options);
        _index = new QdrantProductIndex(_client, _options);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("no-such-generation")]
    [InlineData("unit-live")]
    [InlineData("unit-20261128023000-0123456")]
    [InlineData("unitx-20261128023000-01234567")]
    [InlineData("other-20261128023000-01234567")]
    public async Task DataCalls_OnANameThatIsNotAGenerationOfThisIndex_ThrowGenerationNotFound_WithoutCallingQdrant(string name)
    {
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => _index.SearchAsync(name, new ProductQuery([1f]), Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => _index.GetAsync(name, "p1", Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => _index.CountAsync(name, null, Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => _index.DeleteAsync(name, ["p1"], Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => _index.SearchAsync(name, ProductQuery.Similar("p1"), Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => _index.ActivateGenerationAsync(name, Token));
    }

    [Fact]
    public async Task Search_WithAnUnknownField_ThrowsFilterValidation_BeforeCallingQdrant()
    {
        var ex = await Assert.ThrowsAsync<FilterValidationException>(() => _index.SearchAsync(null, new ProductQuery([1f], ProductFilter.Equal("attributes.finish", "matte")), Token));

        Assert.Equal("attributes.finish", ex.Field);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, -1)]
    public async Task Search_WithABadPage_ThrowsArgumentOutOfRange(int limit, int offset)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _index.SearchAsync(null, new ProductQuery([1f], Limit: limit, Offset: offset), Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _index.SearchAsync(null, ProductQuery.Similar("p1", limit: limit, offset: offset), Token));
    }

    [Fact]
    public async Task CreateGeneration_WithABadModel_ThrowsBeforeCallingQdrant()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _index.CreateGenerationAsync(new IndexModel("m", 0), Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _index.CreateGenerationAsync(new IndexModel(" ", 8), Token));
    }

    [Fact]
    public async Task Calls_WhenQdrantIsUnreachable_FailAfterRetriesWithAnErrorNamingTheOperation()
    {
        var ex = await Assert.ThrowsAsync<QdrantUnavailableException>(() => _index.CountAsync(null, null, Token));

        Assert.Contains("count", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 attempts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckServer_WhenQdrantIsUnreachable_ThrowsUnavailable()
    {
        var ex = await Assert.ThrowsAsync<QdrantUnavailableException>(() => _index.CheckServerAsync(Token));

        Assert.Contains("health check", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upsert_ToTheLiveGeneration_WhenQdrantIsUnreachable_DoesNotClaimSuccess()
    {
        var record = new IndexRecord(new Product { Id = "p1", Title = "t" }, [1f], "h");

        await Assert.ThrowsAsync<QdrantUnavailableException>(() => _index.UpsertAsync(null, [record], Token));
    }

    [Fact]
    public void Constructor_WithInvalidOptions_Throws()
    {
        var bad = new QdrantIndexOptions { CollectionPrefix = "Has Spaces" };

        var ex = Assert.Throws<ValidationException>(() => new QdrantProductIndex(_client, bad));

        Assert.Contains("CollectionPrefix", ex.Message, StringComparison.Ordinal);
    }
}
