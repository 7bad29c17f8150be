using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using VectorIndexer.Core.Security;

namespace VectorIndexer.Api.Tests;

/// <summary>The public read endpoints are limited per client (429 ProblemDetails with Retry-After); health and the key-protected endpoints are not.</summary>
public sealed class RateLimitTests : IDisposable
{
    private const int Permits = 3;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-rate-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Search_BurstOverTheLimit_Is429WithRetryAfter()
    {
        await using var factory = Create(Permits);
        using var client = TestHttp.Client(factory);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Permits; i++)
        {
            // No q: a 400 that costs no model call, but a request all the same.
            using var allowed = await client.GetAsync(TestHttp.Path("/api/search"), Token);
            statuses.Add(allowed.StatusCode);
        }

        using var limited = await client.GetAsync(TestHttp.Path("/api/search?q=mug"), Token);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        var problem = await TestHttp.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, Token);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task ProductLookups_ShareTheLimitWithSearch()
    {
        await using var factory = Create(Permits);
        using var client = TestHttp.Client(factory);
        for (var i = 0; i < Permits; i++)
        {
            using var _ = await client.GetAsync(TestHttp.Path("/api/search"), Token);
        }

        using var product = await client.GetAsync(TestHttp.Path("/api/products/mug-1"), Token);
        using var similar = await client.GetAsync(TestHttp.Path("/api/products/mug-1/similar"), Token);
        using var post = await client.PostAsync(TestHttp.Path("/api/search"), TestHttp.Json("""{ "q": "mug" }"""), Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, product.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, similar.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, post.StatusCode);
    }

    [Fact]
    public async Task HealthAndKeyProtectedEndpoints_AreNotLimited()
    {
        await using var factory = Create(Permits);
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);
        for (var i = 0; i < Permits + 1; i++)
        {
            using var _ = await client.GetAsync(TestHttp.Path("/api/search"), Token);
        }

        for (var i = 0; i < Permits * 3; i++)
        {
            using var live = await client.GetAsync(TestHttp.Path("/health/live"), Token);
            using var job = await client.GetAsync(TestHttp.Path("/api/jobs/12345"), Token);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
        }
    }

    [Fact]
    public async Task PermitLimitZero_TurnsTheLimitOff()
    {
        await using var factory = Create(0);
        using var client = TestHttp.Client(factory);

        for (var i = 0; i < 30; i++)
        {
            using var response = await client.GetAsync(TestHttp.Path("/api/search"), Token);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void ClientPartition_IsTheIPv4AddressOrTheIPv6Slash64(string address, string expected)
    {
        Assert.Equal(expected, ClientPartition.Of(IPAddress.Parse(address)));
    }

    private WebApplicationFactory<Program> Create(int permits) =>
        ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            web.UseSetting("Api:ApiKey", ApiHost.ApiKey);
            web.UseSetting("Api:RateLimit:PermitLimit", permits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Api:RateLimit:Window", "00:01:00");
        });
}
