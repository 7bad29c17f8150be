using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Api.Tests;

/// <summary>
/// A search mode the live generation predates (lexical on a collection built before lexical search)
/// is a 409 ProblemDetails that says what to do, not a bare 500, and never carries the exception's text.
/// </summary>
public sealed class SearchModeNotSupportedTests : IDisposable
{
    private const string Generation = "secret-generation-20261128020000";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-mode-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Theory]
    [InlineData("/api/search?q=kettle&mode=lexical")]
    [InlineData("/api/search?q=kettle&mode=hybrid")]
    public async Task Search_InAModeTheLiveGenerationPredates_Is409ProblemDetails_SayingToSearchDenseOrReindex(string url)
    {
        await using var factory = ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
            web.ConfigureTestServices(services => services.AddSingleton<IProductIndex>(new PredatingIndex())));
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Token);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        Assert.Contains("search mode", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("mode=dense", detail, StringComparison.Ordinal);
        Assert.Contains("reindex", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Generation, text, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Retry-After"));
    }

    /// <summary>A live generation from before lexical search: every lexical or hybrid search is refused.</summary>
    private sealed class PredatingIndex : IProductIndex
    {
        private static readonly IndexGeneration Live = new(Generation, new IndexModel("m", 384), DateTimeOffset.UnixEpoch, IsLive: true);

        public Task<IReadOnlyList<IndexGeneration>> ListGenerationsAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<IndexGeneration>>([Live]);

        public Task<IndexGeneration?> GetLiveGenerationAsync(CancellationToken cancellationToken = default) => Task.FromResult<IndexGeneration?>(Live);

        public Task<SearchResult> SearchAsync(string? generation, ProductQuery query, CancellationToken cancellationToken = default) =>
            throw new SearchModeNotSupportedException(query.Mode, generation ?? Generation);

        public Task<long> CountAsync(string? generation, ProductFilter? filter = null, CancellationToken cancellationToken = default) => Task.FromResult(0L);

        public Task<IndexGeneration> CreateGenerationAsync(IndexModel model, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task ActivateGenerationAsync(string generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DropGenerationAsync(string generation, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task UpsertAsync(string? generation, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeleteAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IndexRecord?> GetAsync(string? generation, string productId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, string>> GetContentHashesAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<IndexRecord> ScanAsync(string? generation, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<VectorIndexer.Core.Similarity.ProductNeighbours> NeighboursAsync(string? generation, VectorIndexer.Core.Similarity.NeighbourRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
