using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- records ------------------------------------------------------------------------------

    [Fact]
    public async Task Upsert_ThenGet_ReturnsProductVectorAndHash()
    {
        await SeedAsync();

        var record = await Index.GetAsync(null, "p1", Token);

        Assert.NotNull(record);
        Assert.Equal("p1", record.Product.Id);
        Assert.Equal("Red mug", record.Product.Title);
        Assert.Equal("Acme", record.Product.Brand);
        Assert.Equal(["Home", "Kitchen", "Mugs"], record.Product.Category);
        Assert.Equal(10m, record.Product.Price);
        Assert.Equal("ceramic", record.Product.Attributes["material"]);
        Assert.Equal(Hash("p1"), record.ContentHash);
        AssertVectorsEqual(VectorOf(1), record.Vector);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        await SeedAsync();

        Assert.Null(await Index.GetAsync(null, "no-such-product", Token));
    }

    [Fact]
    public async Task Upsert_SameIdsAgain_KeepsCountAndReplacesPayload()
    {
        await SeedAsync();
        var renamed = Catalogue[0] with { Title = "Red mug, large", Brand = "Globex" };

        await Index.UpsertAsync(null, [new IndexRecord(renamed, VectorOf(1), "changed")], Token);
        await Index.UpsertAsync(null, [.. Catalogue.Skip(1).Select(Record)], Token);

        Assert.Equal(Catalogue.Count, await Index.CountAsync(null, null, Token));
        var record = await Index.GetAsync(null, "p1", Token);
        Assert.Equal("Red mug, large", record!.Product.Title);
        Assert.Equal("changed", record.ContentHash);
        Assert.Equal(["p1"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Brand, "Globex")));
        Assert.Equal(["p2"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Brand, "Acme")));
    }

    [Fact]
    public async Task Upsert_DuplicateIdInOneBatch_LastOneWins()
    {
        await CreateLiveGenerationAsync();

        await Index.UpsertAsync(null, [Record(Catalogue[0]), new IndexRecord(Catalogue[0] with { Title = "second" }, VectorOf(1), "h2")], Token);

        Assert.Equal(1, await Index.CountAsync(null, null, Token));
        Assert.Equal("second", (await Index.GetAsync(null, "p1", Token))!.Product.Title);
    }

    [Fact]
    public async Task Upsert_UnnormalisedVector_IsScoredByCosine()
    {
        await CreateLiveGenerationAsync();
        var vector = QueryE0.Select(x => x * 5f).ToArray();

        await Index.UpsertAsync(null, [new IndexRecord(Catalogue[0], vector, "h")], Token);
        var hits = (await Index.SearchAsync(null, new ProductQuery(Axis(0, 0.25f)), Token)).Hits;
        var stored = await Index.GetAsync(null, "p1", Token);

        Assert.Equal(1f, Assert.Single(hits).Score, ScoreTolerance);
        AssertVectorsEqual(QueryE0, stored!.Vector);
    }

    [Fact]
    public async Task Delete_RemovesRecords_AndIgnoresUnknownIds()
    {
        await SeedAsync();

        await Index.DeleteAsync(null, ["p2", "no-such-product"], Token);

        Assert.Null(await Index.GetAsync(null, "p2", Token));
        Assert.Equal(Catalogue.Count - 1, await Index.CountAsync(null, null, Token));
        Assert.Equal(["p1", "p3", "p4", "p5", "p6"], await SearchIdsAsync(null));
        Assert.Equal(["p1"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Brand, "Acme")));
    }

    [Fact]
    public async Task Upsert_AfterDelete_BringsTheProductBack()
    {
        await SeedAsync();
        await Index.DeleteAsync(null, ["p2", "p4"], Token);

        await Index.UpsertAsync(null, [Record(Catalogue[1])], Token);

        Assert.Equal(Catalogue.Count - 1, await Index.CountAsync(null, null, Token));
        Assert.Equal(["p1", "p2", "p3", "p5", "p6"], await SearchIdsAsync(null));
        Assert.Equal(["p1", "p2"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Brand, "Acme")));
    }

    [Fact]
    public async Task GetContentHashes_ReturnsOnlyPresentProducts()
    {
        await SeedAsync();

        var hashes = await Index.GetContentHashesAsync(null, ["p1", "p3", "no-such-product"], Token);

        Assert.Equal(2, hashes.Count);
        Assert.Equal(Hash("p1"), hashes["p1"]);
        Assert.Equal(Hash("p3"), hashes["p3"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(129)]
    public async Task Upsert_WithProductIdOutsideOneTo128Characters_ThrowsArgumentException(int length)
    {
        await CreateLiveGenerationAsync();
        var product = Catalogue[0] with { Id = new string('x', length) };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(null, [new IndexRecord(product, VectorOf(1), "h")], Token));
    }

    [Fact]
    public async Task Upsert_ProductIdOf128Characters_IsAccepted()
    {
        await CreateLiveGenerationAsync();
        var id = new string('x', 128);

        await Index.UpsertAsync(null, [new IndexRecord(Catalogue[0] with { Id = id }, VectorOf(1), "h")], Token);

        Assert.Equal(id, (await Index.GetAsync(null, id, Token))!.Product.Id);
    }

    [Fact]
    public async Task Upsert_WithWrongDimensions_ThrowsArgumentExceptionNamingBoth()
    {
        await CreateLiveGenerationAsync();

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(null, [new IndexRecord(Catalogue[0], new float[7] { 1, 0, 0, 0, 0, 0, 0 }, "h")], Token));

        Assert.Contains("7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task Search_WithWrongDimensions_ThrowsArgumentExceptionNamingBoth()
    {
        await SeedAsync();

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, new ProductQuery(new float[12] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }), Token));

        Assert.Contains("12", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_StreamsEveryRecordOnce_AcrossPages_WithItsVectorAndHash()
    {
        var generation = await CreateLiveGenerationAsync();
        var records = Enumerable.Range(0, 1100).Select(i => Generated("scan", i)).ToList();
        foreach (var chunk in records.Chunk(250))
        {
            await Index.UpsertAsync(generation, chunk, Token);
        }

        var scanned = new List<IndexRecord>();
        await foreach (var record in Index.ScanAsync(null, Token))
        {
            scanned.Add(record);
        }

        Assert.Equal(records.Select(r => r.Product.Id).Order(StringComparer.Ordinal), scanned.Select(r => r.Product.Id).Order(StringComparer.Ordinal));
        foreach (var record in scanned.Take(20))
        {
            // As stored (the store keeps vectors at unit length): what a read of the product gives.
            var stored = await Index.GetAsync(null, record.Product.Id, Token);
            AssertVectorsEqual(stored!.Vector, record.Vector);
            Assert.Equal(stored.Product.Title, record.Product.Title);
            Assert.Equal(Hash(record.Product.Id), record.ContentHash);
        }
    }

    [Fact]
    public async Task Scan_OfAnEmptyGeneration_YieldsNothing_AndOfAMissingOne_Throws()
    {
        await CreateLiveGenerationAsync();

        await foreach (var record in Index.ScanAsync(null, Token))
        {
            Assert.Fail($"An empty generation yielded {record.Product.Id}.");
        }

        await Assert.ThrowsAsync<GenerationNotFoundException>(async () =>
        {
            await foreach (var record in Index.ScanAsync("no-such-generation", Token))
            {
                Assert.Fail($"A missing generation yielded {record.Product.Id}.");
            }
        });
    }
}
