using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Api.Search;

namespace VectorIndexer.Api.Tests;

/// <summary>The query API end to end over a live generation embedded with the real model.</summary>
public sealed class QueryApiTests(SeededApiFixture api) : IClassFixture<SeededApiFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_ForBluetoothHeadset_RanksHeadphonesAboveUnrelatedProducts()
    {
        var body = await GetJsonAsync("/api/search?q=bluetooth%20headset&k=5");

        var ids = ItemIds(body);
        Assert.Contains(ids[0], new[] { SeededApiFixture.Headphones.Id, SeededApiFixture.Earbuds.Id });
        Assert.True(ids.IndexOf(SeededApiFixture.Headphones.Id) < ids.IndexOf(SeededApiFixture.Saucepan.Id));
        Assert.True(ids.IndexOf(SeededApiFixture.Headphones.Id) < ids.IndexOf(SeededApiFixture.YogaMat.Id));
        Assert.Equal(api.Generation, body.GetProperty("generation").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("model").GetString()));
        Assert.True(body.GetProperty("tookMs").GetDouble() >= 0);
        var first = body.GetProperty("items")[0];
        Assert.True(first.GetProperty("score").GetSingle() > 0);
        Assert.False(string.IsNullOrEmpty(first.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Search_ForNoiseCancellingHeadphones_FindsTheHeadphonesFirst()
    {
        var body = await GetJsonAsync("/api/search?q=wireless%20noise%20cancelling%20headphones&k=3");

        Assert.Equal(SeededApiFixture.Headphones.Id, ItemIds(body)[0]);
    }

    [Fact]
    public async Task Search_WithBrandFilter_ReturnsOnlyThatBrand()
    {
        var body = await GetJsonAsync("/api/search?q=bluetooth%20headset&k=10&brand=Acme");

        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("Acme", i.GetProperty("brand").GetString()));
    }

    [Fact]
    public async Task Search_WithPriceRange_ExcludesProductsOutsideRange()
    {
        var body = await GetJsonAsync("/api/search?q=bluetooth%20headset&k=10&minPrice=25&maxPrice=100");

        var ids = ItemIds(body);
        Assert.DoesNotContain(SeededApiFixture.Headphones.Id, ids);
        Assert.DoesNotContain(SeededApiFixture.YogaMat.Id, ids);
        Assert.Contains(SeededApiFixture.Earbuds.Id, ids);
        Assert.All(body.GetProperty("items").EnumerateArray(), i => Assert.InRange(i.GetProperty("price").GetDecimal(), 25m, 100m));
    }

    [Fact]
    public async Task Search_WithInStockFilter_LeavesOutProductsOutOfStock()
    {
        var ids = ItemIds(await GetJsonAsync("/api/search?q=earbuds&inStock=true"));

        Assert.DoesNotContain(SeededApiFixture.Earbuds.Id, ids);
    }

    [Fact]
    public async Task PostSearch_WithFilterJson_AppliesTheFilter()
    {
        const string json = """
            {
              "q": "something for the kitchen",
              "k": 10,
              "filter": {
                "type": "and",
                "filters": [
                  { "type": "keyword", "field": "category", "match": "Any", "values": ["Kitchen"] },
                  { "field": "price", "type": "range", "max": 40 }
                ]
              }
            }
            """;

        using var response = await PostAsync(json);
        var body = await ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal([SeededApiFixture.Saucepan.Id], ItemIds(body));
    }

    [Fact]
    public async Task Similar_ExcludesTheProductItself()
    {
        var body = await GetJsonAsync($"/api/products/{SeededApiFixture.Headphones.Id}/similar?k=10");

        var ids = ItemIds(body);
        Assert.DoesNotContain(SeededApiFixture.Headphones.Id, ids);
        Assert.Equal(SeededApiFixture.Products.Count - 1, ids.Count);
        Assert.Equal(SeededApiFixture.Earbuds.Id, ids[0]);
    }

    [Fact]
    public async Task Similar_WithBrandFilter_ReturnsOnlyThatBrand()
    {
        var body = await GetJsonAsync($"/api/products/{SeededApiFixture.Saucepan.Id}/similar?brand=Kitchenly");

        Assert.Equal([SeededApiFixture.Kettle.Id], ItemIds(body));
    }

    [Fact]
    public async Task GetProduct_ReturnsTheProduct()
    {
        var body = await GetJsonAsync($"/api/products/{SeededApiFixture.YogaMat.Id}");

        Assert.Equal("Yoga mat", body.GetProperty("product").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/api/products/no-such-product")]
    [InlineData("/api/products/no-such-product/similar")]
    public async Task UnknownProduct_Is404ProblemDetails(string path)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/search", "q")]
    [InlineData("/api/search?q=%20%20", "q")]
    [InlineData("/api/search?q=mat&k=0", "k")]
    [InlineData("/api/search?q=mat&k=101", "k")]
    [InlineData("/api/search?q=mat&offset=-1", "offset")]
    [InlineData("/api/search?q=mat&offset=10001", "offset")]
    [InlineData("/api/search?q=mat&minPrice=-1", "minPrice")]
    [InlineData("/api/search?q=mat&maxPrice=-5", "maxPrice")]
    [InlineData("/api/search?q=mat&minPrice=50&maxPrice=10", "minPrice")]
    [InlineData("/api/search?q=mat&minPrice=50&maxPrice=10", "maxPrice")]
    [InlineData("/api/search?q=mat&minRating=5.5", "minRating")]
    [InlineData("/api/search?q=mat&minRating=-1", "minRating")]
    [InlineData("/api/products/yoga-mat-1/similar?k=500", "k")]
    [InlineData("/api/products/yoga-mat-1/similar?minPrice=9&maxPrice=1", "minPrice")]
    public async Task Get_WithAnInvalidParameter_Is400NamingTheField(string path, string field)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Get_WithAQueryOver512Characters_Is400NamingQ()
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(new Uri("/api/search?q=" + new string('a', 513), UriKind.Relative), Token);

        await AssertValidationProblemAsync(response, "q");
    }

    [Theory]
    [InlineData("""{ "k": 5 }""", "q")]
    [InlineData("""{ "q": "mat", "k": 0 }""", "k")]
    [InlineData("""{ "q": "mat", "offset": 20000 }""", "offset")]
    [InlineData("""{ "q": "mat", "filter": { "type": "keyword", "field": "flavour", "match": "Any", "values": ["x"] } }""", "flavour")]
    [InlineData("""{ "q": "mat", "filter": { "type": "range", "field": "brand", "min": 1 } }""", "brand")]
    [InlineData("""{ "q": "mat", "filter": { "type": "bool", "field": "price", "value": true } }""", "price")]
    public async Task Post_WithAnInvalidBody_Is400NamingTheField(string json, string field)
    {
        using var response = await PostAsync(json);

        await AssertValidationProblemAsync(response, field);
    }

    [Theory]
    [InlineData("{ \"q\": \"mat\", ")]
    [InlineData("""{ "q": "mat", "filter": { "type": "nonsense", "field": "brand" } }""")]
    [InlineData("""{ "q": "mat", "k": "ten" }""")]
    public async Task Post_WithMalformedJson_Is400Not500(string json)
    {
        using var response = await PostAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedQuery_IsServedFromTheQueryCache()
    {
        var cache = Assert.IsType<CachingQueryEmbedder>(api.Factory.Services.GetRequiredService<IQueryEmbedder>());
        const string path = "/api/search?q=a%20unique%20query%20for%20the%20cache%20test";

        await GetJsonAsync(path);
        var afterFirst = cache.Count;
        await GetJsonAsync(path);

        Assert.Equal(afterFirst, cache.Count);
    }

    [Fact]
    public async Task Health_IsLiveAndReady_WithALiveGeneration()
    {
        using var client = CreateClient();
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), Token);
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheSearchAndProductEndpoints()
    {
        using var client = CreateClient();
        var text = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Token);

        Assert.Contains("SearchProductsWithFilter", text, StringComparison.Ordinal);
        Assert.Contains("GetSimilarProducts", text, StringComparison.Ordinal);
    }

    private static List<string> ItemIds(JsonElement body) =>
        [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    private static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var body = await ReadJsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {body}");
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private HttpClient CreateClient()
    {
        var client = api.Factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        return client;
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);
        return await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> PostAsync(string json)
    {
        using var client = CreateClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri("/api/search", UriKind.Relative), content, Token);
    }
}
