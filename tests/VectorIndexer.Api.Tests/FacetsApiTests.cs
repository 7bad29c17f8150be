using System.Net;
using System.Text;
using System.Text.Json;

namespace VectorIndexer.Api.Tests;

/// <summary>Facets and sorting on <c>GET</c>/<c>POST /api/search</c> over a live generation embedded with the real model.</summary>
public sealed class FacetsApiTests(SeededApiFixture api) : IClassFixture<SeededApiFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_WithFacetsAndAPriceSort_CountsTheRelevantSet_AndPagesItCheapestFirst()
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/search?q=kitchen&mode=dense&k=2&facets=brand,category,price&sort=price_asc", UriKind.Relative), Token);

        var body = await OkAsync(response);
        Assert.Equal([SeededApiFixture.YogaMat.Id, SeededApiFixture.Earbuds.Id], Ids(body));
        Assert.Equal(SeededApiFixture.Products.Count, body.GetProperty("total").GetInt32());
        var facets = body.GetProperty("facets");
        Assert.Equal([("Acme", 2), ("Kitchenly", 2), ("Sonora", 1)], facets.GetProperty("keywords").GetProperty("brand").EnumerateArray().Select(v => (v.GetProperty("value").GetString(), v.GetProperty("count").GetInt32())));
        var top = facets.GetProperty("category")[0];
        Assert.Equal(1, top.GetProperty("level").GetInt32());
        Assert.Equal(["Electronics", "Home", "Sports"], top.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("path")[0].GetString()));
        Assert.Equal(5, facets.GetProperty("price").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task PostSearch_SortedByRating_OrdersBestRatedFirst_WithFacetsOfTheFilteredSet()
    {
        using var client = api.Factory.CreateClient();
        using var content = new StringContent("""{"q":"kitchen","mode":"dense","facets":["color"],"sort":"rating","filter":{"type":"range","field":"price","max":100}}""", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/api/search", UriKind.Relative), content, Token);

        var body = await OkAsync(response);
        Assert.Equal([SeededApiFixture.Saucepan.Id, SeededApiFixture.Kettle.Id, SeededApiFixture.YogaMat.Id, SeededApiFixture.Earbuds.Id], Ids(body));
        Assert.Equal(4, body.GetProperty("total").GetInt32());
        Assert.Equal(2, body.GetProperty("facets").GetProperty("keywords").GetProperty("color").EnumerateArray().First().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Search_WithoutFacetsOrSort_CarriesNeither()
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/search?q=kettle", UriKind.Relative), Token);

        var body = await OkAsync(response);
        Assert.False(body.TryGetProperty("facets", out var facets) && facets.ValueKind != JsonValueKind.Null);
        Assert.False(body.TryGetProperty("total", out var total) && total.ValueKind != JsonValueKind.Null);
    }

    [Theory]
    [InlineData("/api/search?q=kettle&facets=brand,flavour", "facets")]
    [InlineData("/api/search?q=kettle&sort=cheapest", "sort")]
    public async Task Search_WithAnUnknownFacetOrSort_Is400NamingTheField(string url, string field)
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Token);

        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {text}");
        Assert.DoesNotContain("Parameter", messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostSearch_WithANullFacet_Is400NamingFacets()
    {
        using var client = api.Factory.CreateClient();
        using var content = new StringContent("""{"q":"kettle","facets":[null]}""", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/api/search", UriKind.Relative), content, Token);

        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty("facets", out _), text);
    }

    private static List<string> Ids(JsonElement body) =>
        [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
