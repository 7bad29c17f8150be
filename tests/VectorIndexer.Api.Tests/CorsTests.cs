using Microsoft.AspNetCore.Mvc.Testing;

namespace VectorIndexer.Api.Tests;

/// <summary>Only the origins of Api:Cors:AllowedOrigins may call the public endpoints from a browser; none by default; never the write endpoints.</summary>
public sealed class CorsTests : IDisposable
{
    private const string Shop = "https://shop.example.com";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-cors-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAllowed()
    {
        await using var factory = Create(Shop);
        using var client = TestHttp.Client(factory);

        using var response = await client.SendAsync(Preflight("/api/search", Shop, "POST", "content-type"), Token);

        Assert.Equal(Shop, AllowOrigin(response));
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsDenied()
    {
        await using var factory = Create(Shop);
        using var client = TestHttp.Client(factory);

        using var response = await client.SendAsync(Preflight("/api/search", "https://evil.example.net", "POST", "content-type"), Token);

        Assert.Null(AllowOrigin(response));
    }

    [Fact]
    public async Task Preflight_WithNoOriginsConfigured_IsDenied()
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory);

        using var response = await client.SendAsync(Preflight("/api/search", Shop, "GET", null), Token);

        Assert.Null(AllowOrigin(response));
    }

    [Fact]
    public async Task Get_FromAnAllowedOrigin_CarriesTheHeader()
    {
        await using var factory = Create(Shop);
        using var client = TestHttp.Client(factory);
        using var request = new HttpRequestMessage(HttpMethod.Get, TestHttp.Path("/api/search"));
        request.Headers.Add("Origin", Shop);

        using var response = await client.SendAsync(request, Token);

        Assert.Equal(Shop, AllowOrigin(response));
    }

    [Fact]
    public async Task Preflight_ForAWriteEndpoint_DoesNotAllowTheKeyHeaderOrDelete()
    {
        await using var factory = Create(Shop);
        using var client = TestHttp.Client(factory);

        using var response = await client.SendAsync(Preflight("/api/products/mug-1", Shop, "DELETE", "x-api-key"), Token);

        var methods = response.Headers.TryGetValues("Access-Control-Allow-Methods", out var m) ? string.Join(",", m) : string.Empty;
        var headers = response.Headers.TryGetValues("Access-Control-Allow-Headers", out var h) ? string.Join(",", h) : string.Empty;
        Assert.DoesNotContain("DELETE", methods, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("x-api-key", headers, StringComparison.OrdinalIgnoreCase);
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, TestHttp.Path(path));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", headers);
        }

        return request;
    }

    private static string? AllowOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;

    private WebApplicationFactory<Program> Create(params string[] origins) =>
        ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            for (var i = 0; i < origins.Length; i++)
            {
                web.UseSetting($"Api:Cors:AllowedOrigins:{i}", origins[i]);
            }
        });
}
