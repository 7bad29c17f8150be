using System.Net;
using System.Text.Json;

namespace VectorIndexer.Api.Tests;

/// <summary>The OpenAPI document names, summarises and tags every operation and declares the API key where it is needed.</summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private static readonly string[] KeyProtected = ["PushProducts", "DeleteProduct", "StartReindex", "GetIndexingJob", "ListBatches", "GetBatch", "RetryBatch", "DiscardBatch"];
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-openapi-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Document_EveryOperationIsNamedSummarisedAndTagged_AndTheKeyIsDeclaredOnTheIndexingOnes()
    {
        await using var factory = ApiHost.Create(_data.FullName);
        using var client = TestHttp.Client(factory);

        using var response = await client.GetAsync(TestHttp.Path("/openapi/v1.json"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await TestHttp.ReadJsonAsync(response, Token);
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("responses", out _)))
            .Select(o => o.Value)
            .ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, operation =>
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("operationId").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
            Assert.NotEmpty(operation.GetProperty("tags").EnumerateArray());
        });

        var byId = operations.ToDictionary(o => o.GetProperty("operationId").GetString()!, StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(KeyProtected.Append("SearchProducts").Append("GetProduct"), StringComparer.Ordinal), byId.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (var (id, operation) in byId)
        {
            var secured = operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("ApiKey", out _));
            Assert.True(secured == KeyProtected.Contains(id), $"{id}: security {(secured ? "declared" : "missing")}");
        }

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.True(byId["PushProducts"].TryGetProperty("requestBody", out _));
    }
}
