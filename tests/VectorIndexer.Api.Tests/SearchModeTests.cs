using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VectorIndexer.Api.Tests;

/// <summary>The search mode (dense, lexical, hybrid) of the search endpoints, and their Server-Timing header.</summary>
public sealed partial class SearchModeTests(SeededApiFixture api) : IClassFixture<SeededApiFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("dense")]
    [InlineData("lexical")]
    [InlineData("hybrid")]
    [InlineData("HYBRID")]
    public async Task Get_WithEachMode_FindsTheKettle_AndSaysWhichModeServed(string mode)
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri($"/api/search?q=electric%20kettle&k=3&mode={mode}", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal(SeededApiFixture.Kettle.Id, body.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(mode.ToLowerInvariant(), body.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Get_Lexical_FindsOnlyProductsWithTheTerm()
    {
        using var client = api.Factory.CreateClient();

        var body = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/search?q=Kitchenly&mode=lexical", UriKind.Relative), Token);

        var ids = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal([SeededApiFixture.Kettle.Id, SeededApiFixture.Saucepan.Id], ids);
    }

    [Fact]
    public async Task Get_WithoutMode_UsesTheConfiguredDefault_Hybrid()
    {
        using var client = api.Factory.CreateClient();

        var body = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/search?q=yoga%20mat", UriKind.Relative), Token);

        Assert.Equal("hybrid", body.GetProperty("mode").GetString());
        Assert.Equal(SeededApiFixture.YogaMat.Id, body.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Post_LexicalWithFilter_AppliesTheFilter()
    {
        using var client = api.Factory.CreateClient();
        var request = new { q = "stainless steel", mode = "lexical", filter = new { type = "keyword", field = "category", values = new[] { "Cookware" } } };

        using var response = await client.PostAsJsonAsync(new Uri("/api/search", UriKind.Relative), request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal([SeededApiFixture.Saucepan.Id], body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Get_WithUnknownMode_Is400NamingMode()
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/search?q=kettle&mode=semantic", UriKind.Relative), Token);

        await AssertValidationProblemAsync(response, "mode");
    }

    [Fact]
    public async Task Post_WithUnknownMode_Is400NamingMode()
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.PostAsJsonAsync(new Uri("/api/search", UriKind.Relative), new { q = "kettle", mode = "bm25" }, Token);

        await AssertValidationProblemAsync(response, "mode");
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("hybrid")]
    public async Task Search_SetsServerTiming_WithEmbedAndSearchDurations(string mode)
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri($"/api/search?q=wireless%20earbuds%20{mode}&mode={mode}", UriKind.Relative), Token);

        var (embed, search) = ServerTiming(response);
        Assert.True(embed > 0, $"embed;dur={embed}");
        Assert.True(search >= 0, $"search;dur={search}");
    }

    [Fact]
    public async Task Search_Lexical_SpendsNoTimeEmbedding()
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/search?q=kettle&mode=lexical", UriKind.Relative), Token);

        var (embed, search) = ServerTiming(response);
        Assert.Equal(0, embed);
        Assert.True(search >= 0);
    }

    private static (double Embed, double Search) ServerTiming(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("Server-Timing", out var values), "no Server-Timing header");
        var header = string.Join(", ", values);
        var match = ServerTimingPattern().Match(header);
        Assert.True(match.Success, $"unexpected Server-Timing: {header}");
        return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {body}");
    }

    [GeneratedRegex(@"^embed;dur=([0-9.]+), search;dur=([0-9.]+)$")]
    private static partial Regex ServerTimingPattern();
}
