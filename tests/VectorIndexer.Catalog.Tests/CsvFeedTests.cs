using System.Text;

namespace VectorIndexer.Catalog.Tests;

public sealed class CsvFeedTests
{
    [Fact]
    public async Task Csv_WithQuotedFields_HandlesCommasEscapedQuotesAndEmbeddedNewlines()
    {
        var items = await Feeds.ItemsAsync(
            "id,title,description,bullets\n" +
            "A1,\"Mug, large\",\"The \"\"best\"\" mug\",\"Holds tea\nDishwasher safe\"\n" +
            "A2,Cup,,\n",
            FeedFormat.Csv);

        var mug = Feeds.Product(items[0]);
        Assert.Equal("Mug, large", mug.Title);
        Assert.Equal("The \"best\" mug", mug.Description);
        Assert.Equal(["Holds tea", "Dishwasher safe"], mug.Bullets);
        var cup = Feeds.Product(items[1]);
        Assert.Null(cup.Description);
        Assert.Empty(cup.Bullets);
    }

    [Fact]
    public async Task Csv_AfterRecordWithEmbeddedNewlines_LineNumbersReferToThePhysicalStartLine()
    {
        var items = await Feeds.ItemsAsync(
            "id,title,description\n" +
            "A1,Mug,\"line one\nline two\nline three\"\n" +
            "A2,Cup,plain\n" +
            ",Bad,missing id\n",
            FeedFormat.Csv);

        Assert.Equal([2L, 5L, 6L], items.Select(item => item.LineNumber));
        Assert.Equal("line one\nline two\nline three", Feeds.Product(items[0]).Description);
        var rejection = Assert.IsType<FeedRejection>(items[2]);
        Assert.Equal((6L, FeedRejectionKind.MissingRequiredField, "id"), (rejection.LineNumber, rejection.Kind, rejection.Field));
    }

    [Fact]
    public async Task Csv_WithQuotedFieldLargerThanTheReadBuffer_KeepsItWholeAndCountsItsLines()
    {
        var description = string.Join("\n", Enumerable.Range(0, 200).Select(i => $"{i}:{new string('d', 998)}"));

        var items = await Feeds.ItemsAsync(
            $"id,title,description\nA1,Mug,\"{description}\"\nA2,Cup,\"x\"\"y\"\n",
            FeedFormat.Csv);

        Assert.Equal(description, Feeds.Product(items[0]).Description);
        Assert.Equal("x\"y", Feeds.Product(items[1]).Description);
        Assert.Equal([2L, 202L], items.Select(item => item.LineNumber));
    }

    [Fact]
    public async Task Csv_WithByteOrderMarkAndCrlf_ReadsHeaderAndRecords()
    {
        var (items, feed) = await Feeds.ReadAsync(
            "id,title,description\r\nA1,Mug,\"two\r\nlines\"\r\nA2,Cup,\r\n",
            FeedFormat.Csv,
            byteOrderMark: true);

        Assert.Equal(["A1", "A2"], items.Select(item => Feeds.Product(item).Id));
        Assert.Equal("two\nlines", Feeds.Product(items[0]).Description);
        Assert.Null(Feeds.Product(items[1]).Description);
        Assert.Equal([2L, 4L], items.Select(item => item.LineNumber));
        Assert.Equal(0, feed.Report.Rejected);
    }

    [Fact]
    public async Task Csv_WithQuotedFieldFollowedByCrlf_EndsTheRecord()
    {
        var items = await Feeds.ItemsAsync("id,title\r\n\"A1\",\"Mug\"\r\n\"A2\",\"Cup\"", FeedFormat.Csv);

        Assert.Equal(["A1", "A2"], items.Select(item => Feeds.Product(item).Id));
    }

    [Theory]
    [InlineData("A2,Cup,extra")]
    [InlineData("A2")]
    public async Task Csv_WithWrongColumnCountOnLine3_ReportsLine3AndContinues(string row)
    {
        var items = await Feeds.ItemsAsync($"id,title\nA1,Mug\n{row}\nA3,Jug\n", FeedFormat.Csv);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((3L, FeedRejectionKind.WrongColumnCount), (rejection.LineNumber, rejection.Kind));
        Assert.Equal(["A1", "A3"], items.OfType<FeedProduct>().Select(item => item.Product.Id));
    }

    [Fact]
    public async Task Csv_WithUnterminatedQuoteAtEndOfFile_ReportsTheLineWhereTheRecordStarts()
    {
        var items = await Feeds.ItemsAsync("id,title\nA1,Mug\nA2,\"Cup\nA3,Jug\n", FeedFormat.Csv);

        Assert.Equal("A1", Feeds.Product(items[0]).Id);
        var rejection = Assert.IsType<FeedRejection>(Assert.Single(items.Skip(1)));
        Assert.Equal((3L, FeedRejectionKind.UnterminatedQuote), (rejection.LineNumber, rejection.Kind));
        Assert.Contains("line 3", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_WithQuoteInsideUnquotedField_IsMalformedAndReadingResumesOnTheNextLine()
    {
        var items = await Feeds.ItemsAsync("id,title\nA1,Mu\"g\nA2,Cup\n", FeedFormat.Csv);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((2L, FeedRejectionKind.MalformedCsv), (rejection.LineNumber, rejection.Kind));
        Assert.Equal("A2", Feeds.Product(items[1]).Id);
    }

    [Fact]
    public async Task Csv_WithTextAfterClosingQuote_IsMalformed()
    {
        var items = await Feeds.ItemsAsync("id,title\nA1,\"Mug\" large\nA2,Cup\n", FeedFormat.Csv);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((2L, FeedRejectionKind.MalformedCsv), (rejection.LineNumber, rejection.Kind));
        Assert.Single(items.OfType<FeedProduct>());
    }

    [Fact]
    public async Task Csv_WithInvalidUtf8_RejectsTheRowAsInvalidEncoding()
    {
        byte[] content = [.. Encoding.UTF8.GetBytes("id,title\nA1,M"), 0xFF, .. Encoding.UTF8.GetBytes("g\nA2,Cup\n")];

        var (items, _) = await Feeds.ReadAsync(content, FeedFormat.Csv);

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((2L, FeedRejectionKind.InvalidEncoding), (rejection.LineNumber, rejection.Kind));
        Assert.Equal("A2", Feeds.Product(items[1]).Id);
    }

    [Fact]
    public async Task Csv_WithRowLongerThanMaxRecordBytes_RejectsItAndContinues()
    {
        var items = await Feeds.ItemsAsync(
            $"id,title\nA1,{new string('x', 3000)}\nA2,Cup\n",
            FeedFormat.Csv,
            options: new FeedReaderOptions { MaxRecordBytes = 1024 });

        var rejection = Feeds.SingleRejection(items);
        Assert.Equal((2L, FeedRejectionKind.RecordTooLarge), (rejection.LineNumber, rejection.Kind));
        Assert.Equal("A2", Feeds.Product(items[1]).Id);
    }

    [Fact]
    public async Task Csv_WithBadValues_RejectsEachWithItsColumnName()
    {
        var items = await Feeds.ItemsAsync(
            "id,title,price,inStock,rating\n" +
            "A1,Mug,abc,,\n" +
            "A2,Cup,,maybe,\n" +
            "A3,Jug,-1,,\n" +
            "A4,Pot,,,7\n" +
            "A5,Pan,1.5,yes,4\n",
            FeedFormat.Csv);

        var rejections = items.OfType<FeedRejection>().Select(rejection => (rejection.LineNumber, rejection.Kind, rejection.Field));
        Assert.Equal(
            [
                (2L, FeedRejectionKind.WrongType, "price"),
                (3L, FeedRejectionKind.WrongType, "inStock"),
                (4L, FeedRejectionKind.OutOfRange, "price"),
                (5L, FeedRejectionKind.OutOfRange, "rating"),
            ],
            rejections);
        var pan = Feeds.Product(items[4]);
        Assert.Equal((1.5m, true, 4.0), (pan.Price, pan.InStock, pan.Rating));
    }

    [Fact]
    public async Task Csv_WithDefaultMapping_SplitsCategoryPathAndReadsAttributeColumns()
    {
        var items = await Feeds.ItemsAsync(
            "id,Title,category,attributes.size,attributes.material,attributes\n" +
            "A1,Shoe,Sports > Running > Shoes,42,,\"{\"\"fit\"\":\"\"wide\"\"}\"\n",
            FeedFormat.Csv);

        var product = Feeds.Product(Assert.Single(items));
        Assert.Equal("Shoe", product.Title);
        Assert.Equal(["Sports", "Running", "Shoes"], product.Category);
        Assert.Equal(new Dictionary<string, string> { ["fit"] = "wide", ["size"] = "42" }, product.Attributes);
    }

    [Fact]
    public async Task Csv_WithSemicolonDelimiter_ReadsFields()
    {
        var items = await Feeds.ItemsAsync("id;title;price\nA1;\"Mug; big\";2.5\n", FeedFormat.Csv, options: new FeedReaderOptions { CsvDelimiter = ';' });

        var product = Feeds.Product(Assert.Single(items));
        Assert.Equal(("Mug; big", 2.5m), (product.Title, product.Price));
    }

    [Fact]
    public async Task Csv_WithBlankLines_SkipsThem()
    {
        var (items, feed) = await Feeds.ReadAsync("id,title\n\nA1,Mug\r\n\r\nA2,Cup\n\n", FeedFormat.Csv);

        Assert.Equal([3L, 5L], items.Select(item => item.LineNumber));
        Assert.Equal(2, feed.Report.Valid);
    }

    [Fact]
    public async Task Csv_WithHeaderLackingTheIdColumn_ThrowsNamingFeedAndColumn()
    {
        var exception = await Assert.ThrowsAsync<FeedFormatException>(() => Feeds.ReadAsync("sku,title\nA1,Mug\n", FeedFormat.Csv));

        Assert.Contains("test-feed", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'id'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_WithDuplicateHeaderColumn_Throws()
    {
        var exception = await Assert.ThrowsAsync<FeedFormatException>(() => Feeds.ReadAsync("id,title,Title\nA1,Mug,Cup\n", FeedFormat.Csv));

        Assert.Contains("twice", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_EmptyFile_YieldsNothing()
    {
        var (items, feed) = await Feeds.ReadAsync(string.Empty, FeedFormat.Csv);

        Assert.Empty(items);
        Assert.Equal(0, feed.Report.RecordsRead);
    }
}
