using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VectorIndexer.Api.Tests;

/// <summary>Bodies over Api:MaxRequestBodyBytes get a 413 ProblemDetails, whether their length is declared or chunked, on the test server and on Kestrel.</summary>
public sealed class RequestLimitTests : IDisposable
{
    private const int Limit = 4096;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-limits-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Theory]
    [InlineData("/api/products", false)]
    [InlineData("/api/products", true)]
    [InlineData("/api/search", false)]
    [InlineData("/api/search", true)]
    public async Task BodyOverTheLimit_Is413ProblemDetails(string path, bool chunked)
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);
        using var content = Body(ProductsJson(Limit * 3), chunked);

        using var response = await client.PostAsync(TestHttp.Path(path), content, Token);

        var problem = await TestHttp.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, Token);
        Assert.Contains("4096", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyUnderTheLimit_IsRead(bool chunked)
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);
        using var content = Body(ProductsJson(Limit / 2), chunked);

        using var response = await client.PostAsync(TestHttp.Path("/api/products"), content, Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/products", false)]
    [InlineData("/api/products", true)]
    [InlineData("/api/search", true)]
    public async Task BodyOverTheLimit_OnKestrel_Is413ProblemDetails(string path, bool chunked)
    {
        await using var factory = Create();
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);
        Assert.NotEqual(80, client.BaseAddress!.Port); // a real socket, not the in-memory test server
        using var content = Body(ProductsJson(Limit * 3), chunked);

        using var response = await client.PostAsync(TestHttp.Path(path), content, Token);

        var problem = await TestHttp.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, Token);
        Assert.Contains("4096", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyUnderTheLimit_OnKestrelChunked_IsRead()
    {
        await using var factory = Create();
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);
        Assert.NotEqual(80, client.BaseAddress!.Port); // a real socket, not the in-memory test server
        using var content = Body(ProductsJson(Limit / 2), chunked: true);

        using var response = await client.PostAsync(TestHttp.Path("/api/products"), content, Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>A valid batch of about <paramref name="bytes"/> bytes.</summary>
    private static string ProductsJson(int bytes)
    {
        var json = new StringBuilder("[");
        for (var i = 0; json.Length < bytes - 100; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append("{\"id\":\"p").Append(i).Append("\",\"title\":\"A product with a reasonably long title\"}");
        }

        return json.Append(']').ToString();
    }

    /// <summary>The body with a Content-Length, or streamed without one (chunked on a real connection).</summary>
    private static HttpContent Body(string json, bool chunked)
    {
        HttpContent content = chunked
            ? new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json)))
            : new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new("application/json");
        return content;
    }

    private WebApplicationFactory<Program> Create() =>
        ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            web.UseSetting("Api:ApiKey", ApiHost.ApiKey);
            web.UseSetting("Api:MaxRequestBodyBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Api:MaxBatchSize", "1000");
        });

    /// <summary>A stream that cannot tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
