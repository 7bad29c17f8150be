using System.Net;
using System.Text;
using System.Text.Json;

namespace VectorIndexer.Api.Tests;

/// <summary><c>POST /api/categorise</c> and <c>GET /api/products/{id}/categories</c> over a live generation embedded with the real model.</summary>
public sealed class CategoriesApiTests(SeededApiFixture api) : IClassFixture<SeededApiFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Categorise_AProductNotIndexed_SuggestsTheCategoryOfItsNearestProducts()
    {
        using var response = await PostAsync("/api/categorise?k=2", """{"title":"Over-ear wireless headset","description":"Bluetooth headphones for music and calls."}""");

        var body = await OkAsync(response);
        var best = body.GetProperty("categories")[0];
        Assert.Equal(["Electronics", "Audio", "Headphones"], best.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(1.0, best.GetProperty("confidence").GetDouble(), 6);
        Assert.Equal(2, body.GetProperty("neighbours").GetInt32());
        Assert.Equal(["Electronics"], body.GetProperty("levels")[0].GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stated").ValueKind);
    }

    [Fact]
    public async Task Categorise_WithAStatedCategory_SaysHowMuchOfTheVoteItGets()
    {
        using var response = await PostAsync("/api/categorise?k=2", """{"id":"x-1","title":"Bluetooth earphones","category":["Sports","Fitness"]}""");

        var stated = (await OkAsync(response)).GetProperty("stated");
        Assert.False(stated.GetProperty("agreesAtTopLevel").GetBoolean());
        Assert.Equal(0.0, stated.GetProperty("support")[0].GetDouble());
    }

    [Fact]
    public async Task Categories_OfAStoredProduct_VoteWithoutItself_AndCompareItsOwn()
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri($"/api/products/{SeededApiFixture.Kettle.Id}/categories?k=1", UriKind.Relative), Token);

        var body = await OkAsync(response);
        Assert.Equal(["Home", "Kitchen", "Cookware"], body.GetProperty("categories")[0].GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        var stated = body.GetProperty("stated");
        Assert.True(stated.GetProperty("agreesAtTopLevel").GetBoolean());
        Assert.Equal([1.0, 1.0, 0.0], stated.GetProperty("support").EnumerateArray().Select(s => s.GetDouble()));
    }

    [Fact]
    public async Task Categories_OfAnUnknownProduct_Are404()
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/products/no-such/categories", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/categorise", """{"description":"no title"}""", "title")]
    [InlineData("/api/categorise", """[{"title":"an array"}]""", "body")]
    [InlineData("/api/categorise", """{"title":""", "body")]
    [InlineData("/api/categorise", """{"title":"a","title":"b"}""", "body")]
    [InlineData("/api/categorise", """{"title":"a","attributes":{"x":"1","x":"2"}}""", "body")]
    [InlineData("/api/categorise?k=0", """{"title":"Kettle"}""", "k")]
    [InlineData("/api/categorise?minConfidence=1.5", """{"title":"Kettle"}""", "minConfidence")]
    public async Task Categorise_InvalidRequest_Is400NamingTheField(string url, string json, string field)
    {
        using var response = await PostAsync(url, json);

        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"no error for '{field}' in {text}");
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> PostAsync(string url, string json)
    {
        using var client = api.Factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri(url, UriKind.Relative), content, Token);
    }
}
