using VectorIndexer.Api.Search;

namespace VectorIndexer.Api.Tests;

public sealed class CachingQueryEmbedderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RepeatedQuery_DoesNotCallTheEmbedderAgain()
    {
        var inner = new CountingEmbedder();
        var cache = new CachingQueryEmbedder(inner, capacity: 8);

        var first = await cache.EmbedQueryAsync("bluetooth headset", Token);
        var second = await cache.EmbedQueryAsync("bluetooth headset", Token);

        Assert.Equal(1, inner.Calls);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task FullCache_EvictsTheLeastRecentlyUsedQuery()
    {
        var inner = new CountingEmbedder();
        var cache = new CachingQueryEmbedder(inner, capacity: 2);

        await cache.EmbedQueryAsync("a", Token);
        await cache.EmbedQueryAsync("b", Token);
        await cache.EmbedQueryAsync("a", Token); // "b" is now the least recently used
        await cache.EmbedQueryAsync("c", Token); // evicts "b"
        await cache.EmbedQueryAsync("a", Token);
        await cache.EmbedQueryAsync("b", Token);

        Assert.Equal(4, inner.Calls);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task ZeroCapacity_DisablesTheCache()
    {
        var inner = new CountingEmbedder();
        var cache = new CachingQueryEmbedder(inner, capacity: 0);

        await cache.EmbedQueryAsync("q", Token);
        await cache.EmbedQueryAsync("q", Token);

        Assert.Equal(2, inner.Calls);
        Assert.Equal(0, cache.Count);
    }

    private sealed class CountingEmbedder : IQueryEmbedder
    {
        private int _calls;

        public int Calls => _calls;

        public string ModelName => "test-model";

        public ValueTask<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(new float[] { query.Length, 1f });
        }
    }
}
