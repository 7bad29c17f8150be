using Microsoft.Extensions.Configuration;

namespace VectorIndexer.Catalog.Tests;

public sealed class FeedMappingTests
{
    private const string ShopMappingJson = """
        {
          // A shop exporting CSV with its own column names.
          "name": "shop",
          "fields": { "id": "SKU", "title": "Name", "category": "Breadcrumb", "bullets": "Features", "price": "Price EUR" },
          "separators": { "category": "/", "bullets": "|" },
          "attributes": { "size": "Size", "material": "Material" },
          "constants": { "currency": "EUR", "inStock": "true" },
        }
        """;

    [Fact]
    public async Task FromJson_WithShopMapping_MapsItsCsvOntoProducts()
    {
        var mapping = FeedMapping.FromJson(ShopMappingJson);

        var items = await Feeds.ItemsAsync(
            "SKU,Name,Breadcrumb,Features,Price EUR,Size,Material,Unused\n" +
            "S-1,Rain Jacket,Outdoor/Jackets,Waterproof|Hooded,89.90,M,,x\n",
            FeedFormat.Csv,
            mapping);

        var product = Feeds.Product(Assert.Single(items));
        Assert.Equal("shop", mapping.Name);
        Assert.Equal(("S-1", "Rain Jacket", 89.90m, "EUR", true), (product.Id, product.Title, product.Price, product.Currency, product.InStock));
        Assert.Equal(["Outdoor", "Jackets"], product.Category);
        Assert.Equal(["Waterproof", "Hooded"], product.Bullets);
        Assert.Equal(new Dictionary<string, string> { ["size"] = "M" }, product.Attributes);
    }

    [Fact]
    public async Task Constant_WhenTheSourceHasAValue_GivesWayToIt()
    {
        var mapping = new FeedMapping
        {
            Fields = new Dictionary<string, string> { ["id"] = "id", ["title"] = "title", ["currency"] = "cur" },
            Constants = new Dictionary<string, string> { ["currency"] = "USD" },
        };

        var items = await Feeds.ItemsAsync("id,title,cur\nA1,Mug,GBP\nA2,Cup,\n", FeedFormat.Csv, mapping);

        Assert.Equal(["GBP", "USD"], items.Select(item => Feeds.Product(item).Currency));
    }

    [Fact]
    public async Task LoadAsync_WithMissingFile_ThrowsNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var exception = await Assert.ThrowsAsync<FileNotFoundException>(() => FeedMapping.LoadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_FromFile_ReadsTheMapping()
    {
        using var directory = new TempDirectory();
        var path = directory.File("shop.mapping.json");
        await File.WriteAllTextAsync(path, ShopMappingJson, TestContext.Current.CancellationToken);

        var mapping = await FeedMapping.LoadAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal("SKU", mapping.Fields["id"]);
        Assert.Equal("EUR", mapping.Constants["currency"]);
    }

    [Fact]
    public async Task LoadAsync_WithInvalidMappingFile_ThrowsNamingThePath()
    {
        using var directory = new TempDirectory();
        var path = directory.File("bad.mapping.json");
        await File.WriteAllTextAsync(path, """{"fields":{"title":"name"}}""", TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<FeedMappingException>(() => FeedMapping.LoadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("must map id", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"fields":{"id":"a","title":"b"},"colour":"x"}""", "colour")]
    [InlineData("""{"fields":{"id":"a","title":"b","sku":"c"}}""", "fields.sku is not a product field")]
    [InlineData("""{"fields":{"id":"a"}}""", "must map title")]
    [InlineData("""{"fields":{"id":"a","title":"b"},"separators":{"price":","}}""", "only bullets and category are lists")]
    [InlineData("""{"fields":{"id":"a","title":"b"},"constants":{"id":"x"}}""", "id cannot be a constant")]
    [InlineData("""{"fields":{"id":"a","title":"b"},"constants":{"currency":"dollars"}}""", "constants.currency")]
    [InlineData("""{"fields":{"id":"a","title":"b"},"constants":{"price":"-1"}}""", "constants.price")]
    [InlineData("""{"fields":{"id":"a","title":"b"},"attributePrefix":""}""", "attributePrefix is empty")]
    [InlineData("""{"fields":{"id":" ","title":"b"}}""", "fields.id has no source")]
    [InlineData("""not json""", "not valid JSON")]
    public void FromJson_WithInvalidMapping_ThrowsSayingWhy(string json, string expected)
    {
        var exception = Assert.Throws<FeedMappingException>(() => FeedMapping.FromJson(json));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromConfiguration_WithSection_MapsTheFeed()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Catalog:Mappings:acme:Fields:Id"] = "code",
                ["Catalog:Mappings:acme:Fields:Title"] = "label",
                ["Catalog:Mappings:acme:Fields:Bullets"] = "features",
                ["Catalog:Mappings:acme:Separators:Bullets"] = ";",
                ["Catalog:Mappings:acme:Attributes:origin"] = "made_in",
                ["Catalog:Mappings:acme:AttributePrefix"] = "attr_",
                ["Catalog:Mappings:acme:Constants:Currency"] = "CHF",
            })
            .Build();

        var mapping = FeedMapping.FromConfiguration(configuration.GetSection("Catalog:Mappings:acme"));
        var items = await Feeds.ItemsAsync(
            "code,label,features,made_in,attr_colourway\nC1,Watch,Swiss;Steel,CH,silver\n",
            FeedFormat.Csv,
            mapping);

        Assert.Equal("acme", mapping.Name);
        var product = Feeds.Product(Assert.Single(items));
        Assert.Equal(("C1", "Watch", "CHF"), (product.Id, product.Title, product.Currency));
        Assert.Equal(["Swiss", "Steel"], product.Bullets);
        Assert.Equal(new Dictionary<string, string> { ["origin"] = "CH", ["colourway"] = "silver" }, product.Attributes);
    }

    [Fact]
    public void FromConfiguration_WithUnknownSettingOrMissingId_ThrowsNamingTheSection()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mappings:typo:Feilds:Id"] = "code",
                ["Mappings:noid:Fields:Title"] = "label",
            })
            .Build();

        var unknown = Assert.Throws<FeedMappingException>(() => FeedMapping.FromConfiguration(configuration.GetSection("Mappings:typo")));
        var noId = Assert.Throws<FeedMappingException>(() => FeedMapping.FromConfiguration(configuration.GetSection("Mappings:noid")));

        Assert.Contains("Mappings:typo", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Feilds", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Mappings:noid", noId.Message, StringComparison.Ordinal);
        Assert.Contains("must map id", noId.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_WithConfiguredMappings_AddsThemToTheBuiltIns()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Catalog:Mappings:acme:Fields:Id"] = "code",
                ["Catalog:Mappings:acme:Fields:Title"] = "label",
            })
            .Build();

        var mappings = FeedMapping.ReadAll(configuration.GetSection("Catalog:Mappings"));

        Assert.Equal(["acme", "default", "esci"], mappings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("code", mappings["ACME"].Fields["Id"]);
        Assert.Same(FeedMapping.Esci, mappings["esci"]);
    }

    [Fact]
    public void ReadAll_WithMappingNamedLikeABuiltIn_Throws()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Catalog:Mappings:Esci:Fields:Id"] = "code",
                ["Catalog:Mappings:Esci:Fields:Title"] = "label",
            })
            .Build();

        var exception = Assert.Throws<FeedMappingException>(() => FeedMapping.ReadAll(configuration.GetSection("Catalog:Mappings")));

        Assert.Contains("Catalog:Mappings:Esci", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("esci")]
    [InlineData("ESCI")]
    [InlineData("default")]
    public void BuiltIn_ByName_IsValid(string name)
    {
        var mapping = FeedMapping.BuiltIn(name);

        mapping.Validate();
        Assert.Equal(name.ToUpperInvariant(), mapping.Name.ToUpperInvariant());
    }

    [Fact]
    public void BuiltIn_WithUnknownName_ThrowsListingTheKnownOnes()
    {
        var exception = Assert.Throws<KeyNotFoundException>(() => FeedMapping.BuiltIn("amazon"));

        Assert.Contains("esci", exception.Message, StringComparison.Ordinal);
        Assert.Contains("default", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_RoundTripsThroughFromJson()
    {
        var json = FeedMapping.Esci.ToJson();

        var copy = FeedMapping.FromJson(json);

        Assert.Equal(FeedMapping.Esci.Fields, copy.Fields);
        Assert.Equal(FeedMapping.Esci.Separators, copy.Separators);
        Assert.Equal(FeedMapping.Esci.Constants, copy.Constants);
        Assert.Equal("esci", copy.Name);
    }

    [Fact]
    public void EsciMapping_NeverReadsEsciQueryIds()
    {
        var sources = FeedMapping.Esci.Fields.Values.Concat(FeedMapping.Esci.Attributes.Values);

        Assert.DoesNotContain(sources, source => source.Contains("esci_query_ids", StringComparison.Ordinal));
        Assert.Null(FeedMapping.Esci.AttributePrefix);
    }
}
