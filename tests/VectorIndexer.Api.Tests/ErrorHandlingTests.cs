using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Api.Tests;

/// <summary>Failures of the index never leak exception text: 503 with Retry-After when unreachable, a generic 500 otherwise.</summary>
public sealed class ErrorHandlingTests : IDisposable
{
    private const string Secret = "secret-connection-string-detail";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-errors-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task UnexpectedIndexFailure_Is500ProblemDetails_WithoutTheExceptionText()
    {
        using var response = await GetWithFailingIndexAsync(new InvalidOperationException(Secret), "Production");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableIndex_Is503WithRetryAfter_WithoutTheExceptionText()
    {
        using var response = await GetWithFailingIndexAsync(new HttpRequestException(Secret), "Production");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJson_InDevelopment_Is400Not500()
    {
        await using var factory = ApiHost.Create(_data.FullName).WithWebHostBuilder(web => web.UseEnvironment("Development"));
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        using var content = new StringContent("{ \"q\": ", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/api/search", UriKind.Relative), content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<HttpResponseMessage> GetWithFailingIndexAsync(Exception failure, string environment)
    {
        await using var factory = ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            web.ConfigureTestServices(services => services.AddSingleton<IProductIndex>(new FailingIndex(failure)));
        });
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        var response = await client.GetAsync(new Uri("/api/products/anything", UriKind.Relative), Token);
        await response.Content.LoadIntoBufferAsync(Token);
        return response;
    }

    private sealed class FailingIndex(Exception failure) : IProductIndex
    {
        public Task<IReadOnlyList<IndexGeneration>> ListGenerationsAsync(CancellationToken cancellationToken = default) => throw failure;

        public Task<IndexGeneration?> GetLiveGenerationAsync(CancellationToken cancellationToken = default) => throw failure;

        public Task<IndexGeneration> CreateGenerationAsync(IndexModel model, CancellationToken cancellationToken = default) => throw failure;

        public Task ActivateGenerationAsync(string generation, CancellationToken cancellationToken = default) => throw failure;

        public Task DropGenerationAsync(string generation, CancellationToken cancellationToken = default) => throw failure;

        public Task UpsertAsync(string? generation, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken = default) => throw failure;

        public Task DeleteAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default) => throw failure;

        public Task<IndexRecord?> GetAsync(string? generation, string productId, CancellationToken cancellationToken = default) => throw failure;

        public Task<IReadOnlyDictionary<string, string>> GetContentHashesAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default) => throw failure;

        public Task<SearchResult> SearchAsync(string? generation, ProductQuery query, CancellationToken cancellationToken = default) => throw failure;

        public IAsyncEnumerable<IndexRecord> ScanAsync(string? generation, CancellationToken cancellationToken = default) => throw failure;

        public IAsyncEnumerable<VectorIndexer.Core.Similarity.ProductNeighbours> NeighboursAsync(string? generation, VectorIndexer.Core.Similarity.NeighbourRequest request, CancellationToken cancellationToken = default) => throw failure;

        public Task<long> CountAsync(string? generation, ProductFilter? filter = null, CancellationToken cancellationToken = default) => throw failure;
    }
}
