using System.Globalization;
using System.Text.Json;

namespace VectorIndexer.App.Tests;

/// <summary>Search, similar products and filters over the indexed sample catalogue, through HTTP.</summary>
[Collection(QuickstartGroup.Name)]
public sealed class SearchTests(QuickstartFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Shoppers' own words: none of these queries is a product title.</summary>
    [Theory]
    [InlineData("battery powered drill for putting up shelves", "Drills")]
    [InlineData("trainers for jogging, ladies", "Running Shoes")]
    [InlineData("something to brew espresso at home", "Espresso Machines")]
    [InlineData("rain shell for hiking", "Rain Jackets")]
    [InlineData("keep my drinks cold on a picnic", "Coolers")]
    [InlineData("toy for a toddler who likes building", "Blocks")]
    [InlineData("stop my neck hurting at night", "Pillows")]
    [InlineData("hoover for dog hair", "Vacuum Cleaners")]
    [InlineData("headphones to block noise on a plane", "Headphones")]
    public async Task Search_WithAParaphrase_PutsTheRightKindOfProductFirst(string query, string expectedCategory)
    {
        var items = await SearchAsync($"q={Uri.EscapeDataString(query)}&k=5");

        Assert.NotEmpty(items);
        Assert.Equal(expectedCategory, Category(items[0])[^1]);
    }

    [Fact]
    public async Task Search_ForWomensRunningShoes_FindsWomensModelsFirst()
    {
        var items = await SearchAsync("q=trainers%20for%20jogging%2C%20ladies&k=3");

        Assert.All(items, item => Assert.Contains("Women's", Title(item), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Similar_ForADrill_ReturnsOtherDrillsFirst_AndNeverItself()
    {
        var drill = (await SearchAsync("q=cordless%20drill&k=1"))[0];
        var id = drill.GetProperty("id").GetString()!;

        var similar = await GetItemsAsync($"/api/products/{Uri.EscapeDataString(id)}/similar?k=5");

        Assert.Equal(5, similar.Count);
        Assert.DoesNotContain(similar, item => item.GetProperty("id").GetString() == id);
        Assert.Equal("Drills", Category(similar[0])[^1]);
    }

    [Fact]
    public async Task Filters_Brand_Category_PriceRange_AndInStock_NarrowTheResults()
    {
        var all = await SearchAsync("q=kitchen%20appliance&k=50");
        var brand = all[0].GetProperty("brand").GetString()!;

        var byBrand = await SearchAsync($"q=kitchen%20appliance&k=50&brand={Uri.EscapeDataString(brand)}");
        var byCategory = await SearchAsync("q=kitchen%20appliance&k=50&category=Coffee%20%26%20Tea");
        var byPrice = await SearchAsync("q=kitchen%20appliance&k=50&minPrice=20&maxPrice=60");
        var inStock = await SearchAsync("q=kitchen%20appliance&k=50&inStock=true");

        Assert.InRange(byBrand.Count, 1, all.Count - 1);
        Assert.All(byBrand, item => Assert.Equal(brand, item.GetProperty("brand").GetString()));
        Assert.NotEmpty(byCategory);
        Assert.All(byCategory, item => Assert.Contains("Coffee & Tea", Category(item)));
        Assert.NotEmpty(byPrice);
        Assert.All(byPrice, item => Assert.InRange(item.GetProperty("price").GetDecimal(), 20m, 60m));
        Assert.NotEmpty(inStock);
        Assert.All(inStock, item => Assert.True(item.GetProperty("inStock").GetBoolean()));
        Assert.Contains(all, item => !item.GetProperty("inStock").GetBoolean());
    }

    [Fact]
    public async Task Filters_ThatMatchNothing_GiveAnEmptyList_NotAnError()
    {
        var items = await SearchAsync("q=coffee%20maker&minPrice=99999");

        Assert.Empty(items);
    }

    private async Task<List<JsonElement>> SearchAsync(string query) => await GetItemsAsync("/api/search?" + query);

    private async Task<List<JsonElement>> GetItemsAsync(string url)
    {
        using var response = await fixture.Client.GetAsync(new Uri(url, UriKind.Relative), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, string.Create(CultureInfo.InvariantCulture, $"{url} answered {(int)response.StatusCode}: {body}"));
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(item => item.Clone())];
    }

    private static string Title(JsonElement item) => item.GetProperty("title").GetString()!;

    private static string[] Category(JsonElement item) => [.. item.GetProperty("category").EnumerateArray().Select(level => level.GetString()!)];
}
