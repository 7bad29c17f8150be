using System.Text;

namespace VectorIndexer.Catalog.Tests;

public sealed class JsonLinesFeedTests
{
    private const string Valid = """{"id":"A1","title":"Mug"}""";

    [Fact]
    public async Task Jsonl_WithInvalidJsonOnLine3_ReportsLine3AndContinues()
    {
        var items = await Feeds.ItemsAsync(
            """
            {"id":"A1","title":"Mug"}
            {"id":"A2","title":"Cup"}
            {"id":"A3","title":
            {"id":"A4","title":"Jug"}
            """,
            FeedFormat.JsonLines);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal(3, rejection.LineNumber);
        Assert.Equal(FeedRejectionKind.InvalidJson, rejection.Kind);
        Assert.Null(rejection.Field);
        Assert.Equal(["A1", "A2", "A4"], items.OfType<FeedProduct>().Select(item => item.Product.Id));
        Assert.Equal([1L, 2L, 4L], items.OfType<FeedProduct>().Select(item => item.LineNumber));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"just text\"")]
    [InlineData("42")]
    public async Task Jsonl_LineThatIsNotAnObject_IsRejectedAsInvalidJson(string line)
    {
        var items = await Feeds.ItemsAsync($"{Valid}\n{line}\n", FeedFormat.JsonLines);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal(2, rejection.LineNumber);
        Assert.Equal(FeedRejectionKind.InvalidJson, rejection.Kind);
        Assert.Contains("not a JSON object", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jsonl_WithDuplicatePropertyInALine_IsRejectedAsInvalidJson()
    {
        var items = await Feeds.ItemsAsync("""{"id":"A1","id":"A2","title":"Mug"}""", FeedFormat.JsonLines);

        Assert.Equal(FeedRejectionKind.InvalidJson, Feeds.SingleRejection(items).Kind);
    }

    [Fact]
    public async Task Jsonl_WithBlankLines_SkipsThemAndKeepsPhysicalLineNumbers()
    {
        var (items, feed) = await Feeds.ReadAsync($"\n{Valid}\n   \n\n{{\"id\":\"A2\",\"title\":\"Cup\"}}\n\n", FeedFormat.JsonLines);

        Assert.Equal([2L, 5L], items.Select(item => item.LineNumber));
        Assert.Equal(2, feed.Report.RecordsRead);
    }

    [Theory]
    [InlineData("""{"title":"Mug"}""", "id")]
    [InlineData("""{"id":"   ","title":"Mug"}""", "id")]
    [InlineData("""{"id":null,"title":"Mug"}""", "id")]
    [InlineData("""{"id":"A1"}""", "title")]
    [InlineData("""{"id":"A1","title":""}""", "title")]
    public async Task Jsonl_WithMissingOrBlankRequiredField_IsRejectedNamingTheField(string line, string field)
    {
        var items = await Feeds.ItemsAsync($"{Valid}\n{line}", FeedFormat.JsonLines);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal(2, rejection.LineNumber);
        Assert.Equal(FeedRejectionKind.MissingRequiredField, rejection.Kind);
        Assert.Equal(field, rejection.Field);
    }

    [Fact]
    public async Task Jsonl_WithIdOver128Characters_IsRejectedAndIdOf128IsAccepted()
    {
        var items = await Feeds.ItemsAsync(
            $"{{\"id\":\"{new string('x', 128)}\",\"title\":\"Ok\"}}\n{{\"id\":\"{new string('y', 129)}\",\"title\":\"Too long\"}}",
            FeedFormat.JsonLines);

        Assert.Equal(128, Feeds.Product(items[0]).Id.Length);
        var rejection = Assert.IsType<FeedRejection>(items[1]);
        Assert.Equal((2L, FeedRejectionKind.FieldTooLong, "id"), (rejection.LineNumber, rejection.Kind, rejection.Field));
        Assert.Contains("129", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jsonl_WithTitleOverTheConfiguredMaximum_IsRejected()
    {
        var items = await Feeds.ItemsAsync(
            $"{{\"id\":\"A1\",\"title\":\"{new string('t', 11)}\"}}",
            FeedFormat.JsonLines,
            options: new FeedReaderOptions { MaxTitleLength = 10 });

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((FeedRejectionKind.FieldTooLong, "title"), (rejection.Kind, rejection.Field));
    }

    [Theory]
    [InlineData("\"price\":-0.01", FeedRejectionKind.OutOfRange, "price")]
    [InlineData("\"price\":\"-5\"", FeedRejectionKind.OutOfRange, "price")]
    [InlineData("\"rating\":5.1", FeedRejectionKind.OutOfRange, "rating")]
    [InlineData("\"rating\":-0.5", FeedRejectionKind.OutOfRange, "rating")]
    [InlineData("\"ratingCount\":-1", FeedRejectionKind.OutOfRange, "ratingCount")]
    [InlineData("\"ratingCount\":3000000000", FeedRejectionKind.OutOfRange, "ratingCount")]
    [InlineData("\"price\":\"abc\"", FeedRejectionKind.WrongType, "price")]
    [InlineData("\"price\":true", FeedRejectionKind.WrongType, "price")]
    [InlineData("\"inStock\":\"maybe\"", FeedRejectionKind.WrongType, "inStock")]
    [InlineData("\"inStock\":2", FeedRejectionKind.WrongType, "inStock")]
    [InlineData("\"rating\":\"high\"", FeedRejectionKind.WrongType, "rating")]
    [InlineData("\"ratingCount\":3.5", FeedRejectionKind.WrongType, "ratingCount")]
    [InlineData("\"title\":{\"en\":\"Mug\"}", FeedRejectionKind.WrongType, "title")]
    [InlineData("\"brand\":[\"Acme\"]", FeedRejectionKind.WrongType, "brand")]
    [InlineData("\"bullets\":[\"ok\",{\"a\":1}]", FeedRejectionKind.WrongType, "bullets")]
    [InlineData("\"category\":42", FeedRejectionKind.WrongType, "category")]
    [InlineData("\"updatedAt\":\"yesterday\"", FeedRejectionKind.WrongType, "updatedAt")]
    [InlineData("\"attributes\":[\"size\"]", FeedRejectionKind.WrongType, "attributes")]
    [InlineData("\"attributes\":{\"size\":{\"eu\":42}}", FeedRejectionKind.WrongType, "attributes")]
    [InlineData("\"currency\":\"dollars\"", FeedRejectionKind.InvalidValue, "currency")]
    [InlineData("\"image\":\"not a url\"", FeedRejectionKind.InvalidValue, "image")]
    [InlineData("\"image\":\"ftp://example.com/a.jpg\"", FeedRejectionKind.InvalidValue, "image")]
    public async Task Jsonl_WithBadFieldValue_IsRejectedWithKindFieldAndLine(string member, FeedRejectionKind kind, string field)
    {
        var title = member.StartsWith("\"title\"", StringComparison.Ordinal) ? string.Empty : ",\"title\":\"Mug\"";
        var items = await Feeds.ItemsAsync($"{Valid}\n{{\"id\":\"B1\"{title},{member}}}\n{Valid.Replace("A1", "A9", StringComparison.Ordinal)}", FeedFormat.JsonLines);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((2L, kind, field), (rejection.LineNumber, rejection.Kind, rejection.Field));
        Assert.Contains($"'{field}'", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(2, items.OfType<FeedProduct>().Count());
    }

    [Fact]
    public async Task Jsonl_WithControlCharacterInId_IsRejectedAsInvalidValue()
    {
        var items = await Feeds.ItemsAsync("""{"id":"A\tB","title":"Mug"}""", FeedFormat.JsonLines);

        Assert.Equal((FeedRejectionKind.InvalidValue, "id"), (Feeds.SingleRejection(items).Kind, Feeds.SingleRejection(items).Field));
    }

    [Theory]
    [InlineData("\"price\":0", "price")]
    [InlineData("\"rating\":0", "rating")]
    [InlineData("\"rating\":5", "rating")]
    [InlineData("\"ratingCount\":0", "ratingCount")]
    [InlineData("\"ratingCount\":12.0", "ratingCount")]
    [InlineData("\"inStock\":\"out_of_stock\"", "inStock")]
    [InlineData("\"price\":\"19.99\"", "price")]
    public async Task Jsonl_WithBoundaryValues_AcceptsThem(string member, string field)
    {
        var items = await Feeds.ItemsAsync($"{{\"id\":\"B1\",\"title\":\"Mug\",{member}}}", FeedFormat.JsonLines);

        Assert.IsType<FeedProduct>(Assert.Single(items));
        Assert.NotEmpty(field);
    }

    [Fact]
    public async Task Jsonl_WithDefaultMapping_MapsEveryProductField()
    {
        var items = await Feeds.ItemsAsync(
            """
            {"id":" SKU-1 ","title":"Trail Shoe","description":"Light.","bullets":["Grippy"," ","Breathable"],"brand":"Acme","category":["Sports","Running"],"color":"Blue","price":129.95,"currency":"eur","inStock":true,"rating":4.5,"ratingCount":12,"image":"https://example.com/shoe.jpg","attributes":{"size":42,"material":"mesh","widths":["narrow","wide"],"gone":null},"updatedAt":"2025-03-01T10:00:00+01:00","ignored":"x"}
            """,
            FeedFormat.JsonLines);

        var product = Feeds.Product(Assert.Single(items));
        Assert.Equal("SKU-1", product.Id);
        Assert.Equal("Trail Shoe", product.Title);
        Assert.Equal("Light.", product.Description);
        Assert.Equal(["Grippy", "Breathable"], product.Bullets);
        Assert.Equal("Acme", product.Brand);
        Assert.Equal(["Sports", "Running"], product.Category);
        Assert.Equal("Blue", product.Color);
        Assert.Equal(129.95m, product.Price);
        Assert.Equal("EUR", product.Currency);
        Assert.True(product.InStock);
        Assert.Equal(4.5, product.Rating);
        Assert.Equal(12, product.RatingCount);
        Assert.Equal("https://example.com/shoe.jpg", product.Image);
        Assert.Equal(new Dictionary<string, string> { ["size"] = "42", ["material"] = "mesh", ["widths"] = "narrow, wide" }, product.Attributes);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero), product.UpdatedAt);
    }

    [Fact]
    public async Task Jsonl_WithNumericIdAndNulls_TakesTheIdAsTextAndLeavesNullsUnset()
    {
        var items = await Feeds.ItemsAsync("""{"id":12345,"title":"Mug","price":null,"brand":null,"bullets":null,"category":[]}""", FeedFormat.JsonLines);

        var product = Feeds.Product(Assert.Single(items));
        Assert.Equal("12345", product.Id);
        Assert.Null(product.Price);
        Assert.Null(product.Brand);
        Assert.Empty(product.Bullets);
        Assert.Empty(product.Category);
        Assert.Empty(product.Attributes);
    }

    [Fact]
    public async Task Jsonl_WithPointerMapping_ReadsNestedValues()
    {
        var mapping = new FeedMapping
        {
            Name = "nested",
            Fields = new Dictionary<string, string> { ["id"] = "/ids/sku", ["title"] = "/names/0", ["price"] = "/offers/0/price", ["brand"] = "/a~1b" },
            Attributes = new Dictionary<string, string> { ["size"] = "/specs/size" },
        };

        var items = await Feeds.ItemsAsync(
            """{"ids":{"sku":"N1"},"names":["Mug","Tasse"],"offers":[{"price":"4.50"}],"a/b":"Acme","specs":{"size":"L"}}""",
            FeedFormat.JsonLines,
            mapping);

        var product = Feeds.Product(Assert.Single(items));
        Assert.Equal(("N1", "Mug", 4.50m, "Acme"), (product.Id, product.Title, product.Price, product.Brand));
        Assert.Equal("L", product.Attributes["size"]);
    }

    [Fact]
    public async Task Jsonl_WithCrlfLineEndsAndByteOrderMark_ReadsEveryRecord()
    {
        var (items, feed) = await Feeds.ReadAsync("{\"id\":\"A1\",\"title\":\"Mug\"}\r\n{\"id\":\"A2\",\"title\":\"Cup\"}\r\n", FeedFormat.JsonLines, byteOrderMark: true);

        Assert.Equal(["A1", "A2"], items.Select(item => Feeds.Product(item).Id));
        Assert.Equal(0, feed.Report.Rejected);
    }

    [Fact]
    public async Task Jsonl_WithoutFinalLineBreak_ReadsTheLastLine()
    {
        var items = await Feeds.ItemsAsync($"{Valid}\n{{\"id\":\"A2\",\"title\":\"Cup\"}}", FeedFormat.JsonLines);

        Assert.Equal(2, items.OfType<FeedProduct>().Count());
    }

    [Fact]
    public async Task Jsonl_WithInvalidUtf8OnLine2_RejectsLine2AsInvalidEncoding()
    {
        byte[] content = [.. Encoding.UTF8.GetBytes($"{Valid}\n{{\"id\":\"A2\",\"title\":\"C"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}\n{\"id\":\"A3\",\"title\":\"Jug\"}")];

        var (items, _) = await Feeds.ReadAsync(content, FeedFormat.JsonLines);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((2L, FeedRejectionKind.InvalidEncoding), (rejection.LineNumber, rejection.Kind));
        Assert.Equal(3, items.Count);
    }

    [Fact]
    public async Task Jsonl_WithLineLongerThanMaxRecordBytes_RejectsItAndReadsTheNextLine()
    {
        var huge = $"{{\"id\":\"BIG\",\"title\":\"{new string('x', 5000)}\"}}";

        var items = await Feeds.ItemsAsync($"{Valid}\n{huge}\n{{\"id\":\"A3\",\"title\":\"Cup\"}}", FeedFormat.JsonLines, options: new FeedReaderOptions { MaxRecordBytes = 1024 });

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((2L, FeedRejectionKind.RecordTooLarge), (rejection.LineNumber, rejection.Kind));
        Assert.Equal(["A1", "A3"], items.OfType<FeedProduct>().Select(item => item.Product.Id));
    }

    [Fact]
    public async Task Jsonl_WithUtf16ByteOrderMark_ThrowsNamingTheFeed()
    {
        var feed = CatalogFeed.FromStream(new MemoryStream([0xFF, 0xFE, (byte)'{', 0]), FeedFormat.JsonLines, FeedMapping.Default, name: "shop.jsonl");

        var exception = await Assert.ThrowsAsync<FeedFormatException>(async () =>
        {
            await foreach (var _ in feed.ReadAsync(TestContext.Current.CancellationToken))
            {
            }
        });
        Assert.Contains("shop.jsonl", exception.Message, StringComparison.Ordinal);
    }
}
