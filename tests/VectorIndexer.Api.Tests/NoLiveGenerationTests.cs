using System.Net;

namespace VectorIndexer.Api.Tests;

/// <summary>Before the first generation goes live the API says so with 503 and Retry-After.</summary>
public sealed class NoLiveGenerationTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-empty-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Theory]
    [InlineData("/api/search?q=bluetooth%20headset")]
    [InlineData("/api/products/headphones-1")]
    [InlineData("/api/products/headphones-1/similar")]
    public async Task Request_BeforeAnyGenerationIsLive_Is503WithRetryAfter(string path)
    {
        await using var factory = ApiHost.Create(_data.FullName);
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Readiness_BeforeAnyGenerationIsLive_IsUnhealthy_WhileLivenessIsOk()
    {
        await using var factory = ApiHost.Create(_data.FullName);
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);

        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), Token);
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
