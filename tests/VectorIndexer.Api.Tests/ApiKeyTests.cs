using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VectorIndexer.Api.Tests;

/// <summary>The write, reindex and job endpoints need the configured key; without one configured they are closed; public endpoints need none.</summary>
public sealed class ApiKeyTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-keys-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly (string Method, string Path)[] Protected =
    [
        ("POST", "/api/products"),
        ("DELETE", "/api/products/mug-1"),
        ("POST", "/api/reindex"),
        ("GET", "/api/jobs/1"),
    ];

    public static TheoryData<string, string> ProtectedEndpoints
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (method, path) in Protected)
            {
                data.Add(method, path);
            }

            return data;
        }
    }

    public void Dispose() => _data.Delete(recursive: true);

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ProtectedEndpoint_WithoutKey_Is401ProblemDetailsWithChallenge(string method, string path)
    {
        await using var factory = Create(ApiHost.ApiKey);
        using var client = TestHttp.Client(factory);

        using var response = await SendAsync(client, method, path);

        var problem = await TestHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized, Token);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
    }

    [Theory]
    [InlineData("test-key-0123456789abcdeX")] // same length, last character differs
    [InlineData("test-key-0123456789abcde")] // a prefix
    [InlineData("test-key-0123456789abcdef-and-more")]
    [InlineData("")]
    public async Task ProtectedEndpoints_WithWrongKey_Are401(string key)
    {
        await using var factory = Create(ApiHost.ApiKey);
        using var client = TestHttp.Client(factory, key);

        foreach (var (method, path) in Protected)
        {
            using var response = await SendAsync(client, method, path);
            await TestHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized, Token);
        }
    }

    [Fact]
    public async Task ProtectedEndpoints_WithTheKey_AreServed()
    {
        await using var factory = Create(ApiHost.ApiKey);
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);

        using var push = await SendAsync(client, "POST", "/api/products");
        using var delete = await SendAsync(client, "DELETE", "/api/products/mug-1");
        using var reindex = await SendAsync(client, "POST", "/api/reindex");
        using var job = await SendAsync(client, "GET", "/api/jobs/1");

        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, reindex.StatusCode); // served: no feed is configured
        Assert.Contains(job.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.NotFound });
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ProtectedEndpoint_WithNoKeyConfigured_IsClosedWith403SayingSo(string method, string path)
    {
        await using var factory = Create(apiKey: null);
        using var client = TestHttp.Client(factory, "any-key-of-enough-length");

        using var response = await SendAsync(client, method, path);

        var problem = await TestHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden, Token);
        Assert.Contains("not configured", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("Api:ApiKey", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKeyConfigured_EmptyKeyFromTheEnvironment_StillClosed()
    {
        await using var factory = Create(apiKey: string.Empty);
        using var client = TestHttp.Client(factory, string.Empty);

        using var response = await SendAsync(client, "POST", "/api/products");

        await TestHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden, Token);
    }

    [Fact]
    public async Task NoKeyConfigured_WarnsAtStart()
    {
        var logs = new CapturingLoggerProvider();
        await using var factory = Create(apiKey: null).WithWebHostBuilder(web => web.ConfigureLogging(logging => logging.AddProvider(logs)));

        _ = factory.Server;

        Assert.Contains(logs.Messages, m => m.Contains("Api:ApiKey is not set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/health/live", HttpStatusCode.OK)]
    [InlineData("/api/search", HttpStatusCode.BadRequest)] // no q: served, not challenged
    [InlineData("/api/search?q=mug&k=500", HttpStatusCode.BadRequest)]
    public async Task PublicEndpoints_NeedNoKey(string path, HttpStatusCode expected)
    {
        await using var factory = Create(ApiHost.ApiKey);
        using var client = TestHttp.Client(factory);

        using var response = await client.GetAsync(TestHttp.Path(path), Token);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ShortKey_StopsTheHostAtStart_NamingTheSettingButNotTheKey()
    {
        const string ShortKey = "short-key-15chr";
        await using var factory = Create(ShortKey);

        var error = Record.Exception(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(error));
        Assert.Contains("Api:ApiKey", validation.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ShortKey, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_AreNeverLogged()
    {
        const string WrongKey = "wrong-key-that-must-not-be-logged";
        var logs = new CapturingLoggerProvider();
        await using var factory = Create(ApiHost.ApiKey).WithWebHostBuilder(web => web.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(logs);
        }));
        using var right = TestHttp.Client(factory, ApiHost.ApiKey);
        using var wrong = TestHttp.Client(factory, WrongKey);

        foreach (var (method, path) in Protected)
        {
            using var allowed = await SendAsync(right, method, path);
            using var refused = await SendAsync(wrong, method, path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(ApiHost.ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(WrongKey, StringComparison.Ordinal));
    }

    private static Exception? Unwrap(Exception? error)
    {
        while (error is AggregateException or System.Reflection.TargetInvocationException && error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return error;
    }

    private WebApplicationFactory<Program> Create(string? apiKey) =>
        ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            if (apiKey is not null)
            {
                web.UseSetting("Api:ApiKey", apiKey);
            }
        });

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), TestHttp.Path(path));
        if (method == "POST" && path == "/api/products")
        {
            request.Content = TestHttp.Json("""[{ "id": "mug-1", "title": "Ceramic coffee mug" }]""");
        }

        return client.SendAsync(request, Token);
    }
}
