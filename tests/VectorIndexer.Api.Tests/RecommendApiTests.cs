using System.Net;
using System.Text;
using System.Text.Json;

namespace VectorIndexer.Api.Tests;

/// <summary><c>POST /api/recommend</c> over a live generation embedded with the real model.</summary>
public sealed class RecommendApiTests(SeededApiFixture api) : IClassFixture<SeededApiFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("average")]
    [InlineData("best")]
    public async Task Recommend_FromHeadphones_RanksTheEarbudsFirst_AndNeverReturnsTheExamples(string strategy)
    {
        var body = await PostOkAsync($$"""{"positive":["{{SeededApiFixture.Headphones.Id}}"],"negative":["{{SeededApiFixture.YogaMat.Id}}"],"strategy":"{{strategy}}","k":10}""");

        var ids = ItemIds(body);
        Assert.Equal(SeededApiFixture.Earbuds.Id, ids[0]);
        Assert.DoesNotContain(SeededApiFixture.Headphones.Id, ids);
        Assert.DoesNotContain(SeededApiFixture.YogaMat.Id, ids);
        Assert.Equal(SeededApiFixture.Products.Count - 2, ids.Count);
        Assert.Equal("recommend-" + strategy, body.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Recommend_WithAFilter_ReturnsOnlyMatchingProducts()
    {
        var body = await PostOkAsync($$$"""{"positive":["{{{SeededApiFixture.Saucepan.Id}}}"],"filter":{"type":"keyword","field":"brand","match":"Any","values":["Kitchenly"]}}""");

        Assert.Equal([SeededApiFixture.Kettle.Id], ItemIds(body));
    }

    [Fact]
    public async Task Recommend_UnknownIds_Are404NamingThem()
    {
        using var response = await PostAsync($$"""{"positive":["{{SeededApiFixture.Saucepan.Id}}","no-such-1"],"negative":["no-such-2"]}""");

        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["no-such-1", "no-such-2"], body.GetProperty("productIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("no-such-1", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"negative":["saucepan-1"]}""", "positive")]
    [InlineData("""{"positive":["saucepan-1",""]}""", "positive")]
    [InlineData("""{"positive":["saucepan-1"],"strategy":"sideways"}""", "strategy")]
    [InlineData("""{"positive":["saucepan-1"],"k":0}""", "k")]
    [InlineData("""{"positive":["saucepan-1"],"filter":{"type":"keyword","field":"flavour","match":"Any","values":["x"]}}""", "flavour")]
    public async Task Recommend_InvalidRequest_Is400NamingTheField(string json, string field)
    {
        using var response = await PostAsync(json);

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Recommend_MoreThan50Ids_Is400()
    {
        var ids = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"id-{i}\""));

        using var response = await PostAsync($$"""{"positive":[{{ids}}]}""");

        await AssertValidationProblemAsync(response, "positive");
    }

    private static List<string> ItemIds(JsonElement body) =>
        [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    private static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.EnumerateObject().Any(e => e.Name.StartsWith(field, StringComparison.Ordinal)), $"no error for '{field}' in {text}");
    }

    private async Task<JsonElement> PostOkAsync(string json)
    {
        using var response = await PostAsync(json);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> PostAsync(string json)
    {
        using var client = api.Factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri("/api/recommend", UriKind.Relative), content, Token);
    }
}
