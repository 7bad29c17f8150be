using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VectorIndexer.App.Tests;

/// <summary>
/// The search page at <c>/</c>: its files are served, and the requests its script makes (same
/// endpoints, same parameter names, read from the script itself) answer with the fields it reads.
/// No browser is installed here, so the script's own logic is not run.
/// </summary>
[Collection(QuickstartGroup.Name)]
public sealed partial class SearchPageTests(QuickstartFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Root_ServesThePage_WithItsScriptAndStyle_AndAStrictContentSecurityPolicy()
    {
        using var page = await fixture.Client.GetAsync(new Uri("/", UriKind.Relative), Token);
        var html = await page.Content.ReadAsStringAsync(Token);
        using var script = await fixture.Client.GetAsync(new Uri("/app.js", UriKind.Relative), Token);
        using var style = await fixture.Client.GetAsync(new Uri("/app.css", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("src=\"app.js\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"app.css\"", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.OK, style.StatusCode);
    }

    [Fact]
    public async Task Script_WritesNoHtml_FromData()
    {
        var script = await fixture.Client.GetStringAsync(new Uri("/app.js", UriKind.Relative), Token);

        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("outerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("document.write", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptsRequests_WithItsParameterNames_AnswerWithTheFieldsItReads()
    {
        var script = await fixture.Client.GetStringAsync(new Uri("/app.js", UriKind.Relative), Token);
        var searchParams = ListConstant(script, "SEARCH_PARAMS");
        var similarParams = ListConstant(script, "SIMILAR_PARAMS");
        Assert.Contains("search: '/api/search'", script, StringComparison.Ordinal);
        Assert.Contains("status: '/api/app/status'", script, StringComparison.Ordinal);
        Assert.Contains("`/api/products/${encodeURIComponent(id)}`", script, StringComparison.Ordinal);
        Assert.Contains("`/api/products/${encodeURIComponent(id)}/similar`", script, StringComparison.Ordinal);
        Assert.Equal(["q", "k", "offset", "brand", "category", "color", "minPrice", "maxPrice", "inStock", "sort", "facets"], searchParams);
        Assert.Contains("const FACETS = 'brand,category,color,price';", script, StringComparison.Ordinal);
        Assert.Equal(["k", "offset"], similarParams);

        // What the page sends for "coffee maker" with every filter set, in the script's order.
        var values = new Dictionary<string, string>
        {
            ["q"] = "coffee maker", ["k"] = "24", ["offset"] = "0", ["brand"] = "Brewhaven", ["category"] = "Kitchen",
            ["minPrice"] = "10", ["maxPrice"] = "500", ["inStock"] = "true", ["sort"] = "price_asc", ["facets"] = "brand,category,color,price",
        };
        var query = string.Join('&', searchParams.Where(values.ContainsKey).Select(name => $"{name}={Uri.EscapeDataString(values[name])}"));
        using var search = await GetJsonAsync("/api/search?" + query);
        var items = search.RootElement.GetProperty("items");
        Assert.True(items.GetArrayLength() > 0, "the filtered search found nothing");
        Assert.True(search.RootElement.GetProperty("tookMs").GetDouble() >= 0);
        Assert.True(search.RootElement.GetProperty("total").GetInt32() >= items.GetArrayLength());
        var prices = items.EnumerateArray().Select(i => i.GetProperty("price").GetDecimal()).ToList();
        Assert.Equal(prices.Order(), prices);
        var facets = search.RootElement.GetProperty("facets");
        Assert.Equal("Brewhaven", facets.GetProperty("keywords").GetProperty("brand")[0].GetProperty("value").GetString());
        Assert.True(facets.GetProperty("category")[0].GetProperty("values").GetArrayLength() > 0);
        Assert.True(facets.GetProperty("price").GetArrayLength() > 0);
        foreach (var item in items.EnumerateArray())
        {
            foreach (var field in new[] { "id", "title", "brand", "category", "price", "currency", "rating", "inStock", "score", "image" })
            {
                Assert.True(item.TryGetProperty(field, out _), $"search items lack '{field}'");
            }

            Assert.Equal("Brewhaven", item.GetProperty("brand").GetString());
        }

        var id = items[0].GetProperty("id").GetString()!;
        using var product = await GetJsonAsync($"/api/products/{Uri.EscapeDataString(id)}");
        Assert.Equal(items[0].GetProperty("title").GetString(), product.RootElement.GetProperty("product").GetProperty("title").GetString());

        using var similar = await GetJsonAsync($"/api/products/{Uri.EscapeDataString(id)}/similar?" + string.Join('&', similarParams.Select(name => $"{name}={values[name]}")));
        Assert.Equal(24, similar.RootElement.GetProperty("items").GetArrayLength());

        // "More like these": the body the page posts for the products opened in the session.
        Assert.Contains("recommend: '/api/recommend'", script, StringComparison.Ordinal);
        Assert.Contains("{ positive, k: PAGE_SIZE, offset, strategy: 'average' }", script, StringComparison.Ordinal);
        using var body = new StringContent($$"""{"positive":["{{id}}"],"k":24,"offset":0,"strategy":"average"}""", System.Text.Encoding.UTF8, "application/json");
        using var recommended = await fixture.Client.PostAsync(new Uri("/api/recommend", UriKind.Relative), body, Token);
        Assert.Equal(HttpStatusCode.OK, recommended.StatusCode);
        using var recommendedJson = JsonDocument.Parse(await recommended.Content.ReadAsStringAsync(Token));
        var recommendedIds = recommendedJson.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(24, recommendedIds.Count);
        Assert.DoesNotContain(id, recommendedIds);

        using var status = await GetJsonAsync("/api/app/status");
        foreach (var field in new[] { "phase", "message", "processed", "total", "isFinished" })
        {
            Assert.True(status.RootElement.TryGetProperty(field, out _), $"the status lacks '{field}'");
        }

        Assert.Equal("ready", status.RootElement.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task BadFilters_Answer400_WithFieldErrors_ThePageShows()
    {
        using var response = await fixture.Client.GetAsync(new Uri("/api/search?q=kettle&minPrice=50&maxPrice=10", UriKind.Relative), Token);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("minPrice", out _));
    }

    [Fact]
    public async Task SimilarForAnUnknownProduct_Answers404()
    {
        using var response = await fixture.Client.GetAsync(new Uri("/api/products/no-such-product/similar?k=24&offset=0", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<JsonDocument> GetJsonAsync(string url)
    {
        using var response = await fixture.Client.GetAsync(new Uri(url, UriKind.Relative), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>The strings of <c>const NAME = ['a', 'b'];</c> in the script.</summary>
    private static string[] ListConstant(string script, string name)
    {
        var match = Regex.Match(script, $@"const {name} = \[(?<items>[^\]]*)\];");
        Assert.True(match.Success, $"app.js has no {name} list");
        return [.. QuotedString().Matches(match.Groups["items"].Value).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedString();
}
