using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

/// <summary>
/// The behaviour every <see cref="IProductIndex"/> must show. An implementation's test project
/// subclasses this class and returns a fresh, empty, isolated index from
/// <see cref="CreateIndexAsync"/>, one whose filterable attributes include
/// <see cref="FilterableAttribute"/>. Every test gets its own index.
/// </summary>
/// <remarks>
/// Data: six products whose vectors make a known ranking against the query <c>e0</c>: product
/// <c>p{i}</c> lies at <c>8·i</c> degrees from <c>e0</c> (towards an axis of its own), so it scores
/// cos(8·i°) and the ranking is p1, p2, …, p6. Between two products the similarity is the product
/// of their cosines.
/// </remarks>
public abstract class ProductIndexContractTests : IAsyncLifetime
{
    /// <summary>Vector length of the test generations.</summary>
    public const int Dimensions = 8;

    /// <summary>The attribute the index under test must declare filterable (<c>attributes.material</c>).</summary>
    public const string FilterableAttribute = "material";

    /// <summary>Scores are compared with this tolerance (stores may keep float16 or round).</summary>
    protected const float ScoreTolerance = 1e-4f;

    private static readonly IndexModel TestModel = new("contract-test-model", Dimensions);

    private IProductIndex? _index;

    /// <summary>The index under test.</summary>
    protected IProductIndex Index => _index ?? throw new InvalidOperationException("The index is created in InitializeAsync.");

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The six catalogue products, best match for <c>e0</c> first.</summary>
    protected static IReadOnlyList<Product> Catalogue { get; } =
    [
        new Product
        {
            Id = "p1", Title = "Red mug", Brand = "Acme", Color = "red", Category = ["Home", "Kitchen", "Mugs"],
            Price = 10m, Rating = 4.5, RatingCount = 120, InStock = true, Currency = "EUR",
            Attributes = new Dictionary<string, string> { ["material"] = "ceramic" },
        },
        new Product
        {
            Id = "p2", Title = "Blue plate", Brand = "Acme", Color = "blue", Category = ["Home", "Kitchen", "Plates"],
            Price = 20m, Rating = 3.5, RatingCount = 40, InStock = false, Currency = "EUR",
            Attributes = new Dictionary<string, string> { ["material"] = "porcelain" },
        },
        new Product
        {
            Id = "p3", Title = "Red trowel", Brand = "Zenith", Color = "red", Category = ["Home", "Garden"],
            Price = 30m, InStock = true, Currency = "USD",
            Attributes = new Dictionary<string, string> { ["material"] = "steel" },
        },
        new Product
        {
            Id = "p4", Title = "Green folder", Color = "green", Category = ["Office"],
            Rating = 5.0, RatingCount = 3,
        },
        new Product
        {
            Id = "p5", Title = "Black desk", Brand = "acme", Color = "black", Category = ["Office", "Desks"],
            Price = 99.99m, Rating = 2.0, RatingCount = 8, InStock = false, Currency = "USD",
            Attributes = new Dictionary<string, string> { ["material"] = "wood" },
        },
        new Product
        {
            Id = "p6", Title = "Steel bucket", Brand = "Zenith",
            Price = 15m, Rating = 4.0, RatingCount = 60, InStock = true, Currency = "EUR",
            Attributes = new Dictionary<string, string> { ["material"] = "steel", ["finish"] = "matte" },
        },
    ];

    /// <summary>The query every ranking below is measured against.</summary>
    private static readonly float[] QueryE0 = Axis(0);

    public async ValueTask InitializeAsync() => _index = await CreateIndexAsync(Token);

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await DisposeIndexAsync(_index);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh, empty index, isolated from every other test's.</summary>
    protected abstract Task<IProductIndex> CreateIndexAsync(CancellationToken cancellationToken);

    /// <summary>Releases the index and whatever it stored.</summary>
    protected virtual ValueTask DisposeIndexAsync(IProductIndex index)
    {
        switch (index)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        return ValueTask.CompletedTask;
    }

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
        var hits = await Index.SearchAsync(null, new VectorQuery(Axis(0, 0.25f)), Token);
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

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, new VectorQuery(new float[12] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }), Token));

        Assert.Contains("12", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
    }

    // ---- search -------------------------------------------------------------------------------

    [Fact]
    public async Task Search_WithoutFilter_ReturnsNearestFirstWithCosineScores()
    {
        await SeedAsync();

        var hits = await Index.SearchAsync(null, new VectorQuery(QueryE0), Token);

        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], hits.Select(h => h.Product.Id));
        for (var i = 0; i < hits.Count; i++)
        {
            Assert.Equal(ExpectedScore(i + 1), hits[i].Score, ScoreTolerance);
        }

        Assert.Equal("Green folder", hits[3].Product.Title);
    }

    [Fact]
    public async Task Search_OnEmptyGeneration_ReturnsNoHits()
    {
        await CreateLiveGenerationAsync();

        Assert.Empty(await Index.SearchAsync(null, new VectorQuery(QueryE0), Token));
        Assert.Empty(await Index.SearchAsync(null, new VectorQuery(QueryE0, ProductFilter.Equal(ProductSchema.Brand, "Acme")), Token));
        Assert.Equal(0, await Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task Search_WithLimit_ReturnsTheBestK()
    {
        await SeedAsync();

        Assert.Equal(["p1", "p2", "p3"], await SearchIdsAsync(null, limit: 3));
    }

    [Fact]
    public async Task Search_PagedWithLimitAndOffset_PagesAreDisjointAndOrdered()
    {
        await SeedAsync();

        var pages = new List<IReadOnlyList<string>>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            pages.Add(await SearchIdsAsync(null, limit: 2, offset: offset));
        }

        var beyond = await SearchIdsAsync(null, limit: 2, offset: 6);

        Assert.All(pages, page => Assert.Equal(2, page.Count));
        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], pages.SelectMany(p => p));
        Assert.Empty(beyond);
        Assert.Equal(["p3", "p4", "p5", "p6"], await SearchIdsAsync(null, limit: 10, offset: 2));
    }

    [Fact]
    public async Task Search_PagedWithFilter_PagesThroughMatchesOnly()
    {
        await SeedAsync();
        var filter = ProductFilter.Equal(ProductSchema.Currency, "EUR");

        Assert.Equal(["p1", "p2"], await SearchIdsAsync(filter, limit: 2));
        Assert.Equal(["p6"], await SearchIdsAsync(filter, limit: 2, offset: 2));
    }

    [Fact]
    public async Task Search_WithEqualScores_BreaksTiesByProductId()
    {
        await CreateLiveGenerationAsync();
        var same = Axis(3);
        IndexRecord Tie(string id) => new(new Product { Id = id, Title = id }, same, "h");
        await Index.UpsertAsync(null, [Tie("tie-b"), Tie("tie-c"), Tie("tie-a")], Token);

        var all = await Index.SearchAsync(null, new VectorQuery(same), Token);
        var firstTwo = await Index.SearchAsync(null, new VectorQuery(same, Limit: 2), Token);
        var second = await Index.SearchAsync(null, new VectorQuery(same, Limit: 1, Offset: 1), Token);

        Assert.Equal(["tie-a", "tie-b", "tie-c"], all.Select(h => h.Product.Id));
        Assert.Equal(["tie-a", "tie-b"], firstTwo.Select(h => h.Product.Id));
        Assert.Equal("tie-b", Assert.Single(second).Product.Id);
    }

    [Fact]
    public async Task Search_WithScoreThreshold_LeavesOutLowerScores()
    {
        await SeedAsync();
        var threshold = (ExpectedScore(3) + ExpectedScore(4)) / 2;

        var hits = await Index.SearchAsync(null, new VectorQuery(QueryE0, ScoreThreshold: threshold), Token);
        var none = await Index.SearchAsync(null, new VectorQuery(QueryE0, ScoreThreshold: 0.999f), Token);

        Assert.Equal(["p1", "p2", "p3"], hits.Select(h => h.Product.Id));
        Assert.All(hits, h => Assert.True(h.Score >= threshold));
        Assert.Empty(none);
    }

    // ---- filters ------------------------------------------------------------------------------

    [Fact]
    public async Task Search_WithKeywordEqual_IsExactAndCaseSensitive()
    {
        await SeedAsync();

        Assert.Equal(["p1", "p2"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Brand, "Acme")));
        Assert.Equal(["p5"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Brand, "acme")));
        Assert.Empty(await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Brand, "Acm")));
        Assert.Equal(["p1", "p3"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Color, "red")));
        Assert.Equal(["p3", "p5"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Currency, "USD")));
    }

    [Fact]
    public async Task Search_WithAnyOf_MatchesEitherValue()
    {
        await SeedAsync();

        Assert.Equal(["p1", "p2", "p3", "p6"], await SearchIdsAsync(ProductFilter.AnyOf(ProductSchema.Brand, "Acme", "Zenith")));
        Assert.Equal(["p2", "p4"], await SearchIdsAsync(ProductFilter.AnyOf(ProductSchema.Color, "blue", "green", "purple")));
    }

    [Fact]
    public async Task Search_WithNoneOf_ExcludesValues_AndMatchesProductsWithoutTheField()
    {
        await SeedAsync();

        Assert.Equal(["p3", "p4", "p5", "p6"], await SearchIdsAsync(ProductFilter.NoneOf(ProductSchema.Brand, "Acme")));
        Assert.Equal(["p4", "p5", "p6"], await SearchIdsAsync(ProductFilter.NoneOf(ProductSchema.Color, "red", "blue")));
        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], await SearchIdsAsync(ProductFilter.NoneOf(ProductSchema.Brand, "Unknown")));
    }

    [Theory]
    [InlineData(10.0, 20.0, "p1 p2 p6")]
    [InlineData(20.0, null, "p2 p3 p5")]
    [InlineData(null, 15.0, "p1 p6")]
    [InlineData(30.0, 30.0, "p3")]
    [InlineData(10.5, 14.5, "")]
    [InlineData(99.99, null, "p5")]
    public async Task Search_WithPriceRange_ExcludesProductsOutsideRange(double? min, double? max, string expected)
    {
        await SeedAsync();

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), await SearchIdsAsync(ProductFilter.Range(ProductSchema.Price, min, max)));
    }

    [Fact]
    public async Task Search_WithRange_NeverMatchesProductsWithoutTheField()
    {
        await SeedAsync();

        Assert.DoesNotContain("p4", await SearchIdsAsync(ProductFilter.Range(ProductSchema.Price, min: 0)));
        Assert.Equal(["p1", "p4", "p6"], await SearchIdsAsync(ProductFilter.Range(ProductSchema.Rating, min: 4)));
        Assert.Equal(["p4", "p5"], await SearchIdsAsync(ProductFilter.Range(ProductSchema.RatingCount, max: 10)));
        Assert.DoesNotContain("p3", await SearchIdsAsync(ProductFilter.Range(ProductSchema.RatingCount, min: 0)));
    }

    [Fact]
    public async Task Search_WithBool_MatchesTheValue_AndNeverProductsWithoutTheField()
    {
        await SeedAsync();

        Assert.Equal(["p1", "p3", "p6"], await SearchIdsAsync(ProductFilter.Is(ProductSchema.InStock, true)));
        Assert.Equal(["p2", "p5"], await SearchIdsAsync(ProductFilter.Is(ProductSchema.InStock, false)));
    }

    [Fact]
    public async Task Search_WithCategory_MatchesAnyLevelOfThePath()
    {
        await SeedAsync();

        Assert.Equal(["p1", "p2", "p3"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Category, "Home")));
        Assert.Equal(["p1", "p2"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Category, "Kitchen")));
        Assert.Equal(["p1"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Category, "Mugs")));
        Assert.Equal(["p4", "p5"], await SearchIdsAsync(ProductFilter.Equal(ProductSchema.Category, "Office")));
        Assert.Equal(["p2", "p5"], await SearchIdsAsync(ProductFilter.AnyOf(ProductSchema.Category, "Plates", "Desks")));
        Assert.Equal(["p3", "p4", "p5", "p6"], await SearchIdsAsync(ProductFilter.NoneOf(ProductSchema.Category, "Kitchen")));
    }

    [Fact]
    public async Task Search_WithDeclaredAttribute_MatchesTheAttributeValue()
    {
        await SeedAsync();
        var field = ProductSchema.AttributePrefix + FilterableAttribute;

        Assert.Equal(["p3", "p6"], await SearchIdsAsync(ProductFilter.Equal(field, "steel")));
        Assert.Equal(["p1", "p5"], await SearchIdsAsync(ProductFilter.AnyOf(field, "ceramic", "wood")));
        Assert.Equal(["p1", "p2", "p4", "p5"], await SearchIdsAsync(ProductFilter.NoneOf(field, "steel")));
    }

    [Fact]
    public async Task Search_WithAndOrNot_CombinesConditions()
    {
        await SeedAsync();
        var acme = ProductFilter.Equal(ProductSchema.Brand, "Acme");
        var zenith = ProductFilter.Equal(ProductSchema.Brand, "Zenith");

        Assert.Equal(["p1"], await SearchIdsAsync(ProductFilter.And(acme, ProductFilter.Equal(ProductSchema.Color, "red"))));
        Assert.Equal(["p3", "p4", "p6"], await SearchIdsAsync(ProductFilter.Or(ProductFilter.Equal(ProductSchema.Color, "green"), zenith)));
        Assert.Equal(["p2"], await SearchIdsAsync(ProductFilter.And(ProductFilter.Equal(ProductSchema.Category, "Home"), ProductFilter.Not(ProductFilter.Equal(ProductSchema.Color, "red")))));
        Assert.Equal(["p4", "p5"], await SearchIdsAsync(ProductFilter.Not(ProductFilter.Or(acme, zenith))));
        Assert.Equal(["p2", "p4", "p5"], await SearchIdsAsync(ProductFilter.Not(ProductFilter.Is(ProductSchema.InStock, true))));
        Assert.Equal(
            ["p1", "p2", "p6"],
            await SearchIdsAsync(ProductFilter.Or(
                ProductFilter.And(acme, ProductFilter.Is(ProductSchema.InStock, false)),
                ProductFilter.And(ProductFilter.Range(ProductSchema.Price, max: 15), ProductFilter.Not(ProductFilter.Equal(ProductSchema.Color, "blue"))))));
    }

    [Fact]
    public async Task Search_WithEmptyAnd_MatchesEverything_AndEmptyOr_MatchesNothing()
    {
        await SeedAsync();

        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], await SearchIdsAsync(ProductFilter.And()));
        Assert.Empty(await SearchIdsAsync(ProductFilter.Or()));
        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], await SearchIdsAsync(ProductFilter.Not(ProductFilter.Or())));
    }

    [Theory]
    [InlineData("size")]
    [InlineData("attributes.finish")]
    [InlineData("Brand")]
    public async Task Search_WithUnknownFilterField_ThrowsFilterValidationExceptionNamingIt(string field)
    {
        await SeedAsync();

        var ex = await Assert.ThrowsAsync<FilterValidationException>(() => Index.SearchAsync(null, new VectorQuery(QueryE0, ProductFilter.And(ProductFilter.Equal(field, "x"))), Token));

        Assert.Equal(field, ex.Field);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WithWrongConditionForField_ThrowsFilterValidationException()
    {
        await SeedAsync();

        var ex = await Assert.ThrowsAsync<FilterValidationException>(() => Index.CountAsync(null, ProductFilter.Range(ProductSchema.Brand, min: 1), Token));

        Assert.Equal(ProductSchema.Brand, ex.Field);
    }

    // ---- lexical and hybrid -------------------------------------------------------------------

    [Fact]
    public async Task Lexical_FindsOnlyProductsWithAQueryTerm_EqualScoresByProductId()
    {
        await SeedAsync();

        var hits = await Index.SearchAsync(null, Lexical("RED"), Token);

        // p1 and p3 both have "red" in the title and as the colour, with fields of equal length.
        Assert.Equal(["p1", "p3"], hits.Select(h => h.Product.Id));
        Assert.Equal(hits[0].Score, hits[1].Score, ScoreTolerance);
        Assert.True(hits[0].Score > 0);
    }

    [Fact]
    public async Task Lexical_MatchesPluralsAndAccents_AndARarerTermScoresHigher()
    {
        await SeedAsync();

        Assert.Equal(["p6"], (await Index.SearchAsync(null, Lexical("Buckets"), Token)).Select(h => h.Product.Id));
        Assert.Equal(["p5"], (await Index.SearchAsync(null, Lexical("désk"), Token)).Select(h => h.Product.Id));

        // "zenith" is in two products, "trowel" in one: the product with both leads, by the rare term.
        var hits = await Index.SearchAsync(null, Lexical("zenith trowel"), Token);
        Assert.Equal(["p3", "p6"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Lexical_WithFilterAndPaging_NarrowsAndPages()
    {
        await SeedAsync();

        Assert.Equal(["p3"], (await Index.SearchAsync(null, Lexical("red") with { Filter = ProductFilter.Equal(ProductSchema.Brand, "Zenith") }, Token)).Select(h => h.Product.Id));
        Assert.Equal(["p3"], (await Index.SearchAsync(null, Lexical("red") with { Limit = 1, Offset = 1 }, Token)).Select(h => h.Product.Id));
        Assert.Empty(await Index.SearchAsync(null, Lexical("nothing matches this"), Token));
    }

    [Fact]
    public async Task Lexical_AfterUpdateAndDelete_FindsTheCurrentTextOnly()
    {
        await SeedAsync();

        await Index.UpsertAsync(null, [Record(Catalogue[5] with { Title = "Steel pail" })], Token);
        await Index.DeleteAsync(null, ["p3"], Token);

        Assert.Empty(await Index.SearchAsync(null, Lexical("bucket"), Token));
        Assert.Equal(["p6"], (await Index.SearchAsync(null, Lexical("pail"), Token)).Select(h => h.Product.Id));
        Assert.Equal(["p1"], (await Index.SearchAsync(null, Lexical("red"), Token)).Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Hybrid_FusesTheListsByWeightedRrf_AProductInEveryListLeads()
    {
        await SeedAsync();

        // Dense ranks p6 last; "bucket" is only in p6, so it leads both lexical lists (full text and name).
        var hits = await Index.SearchAsync(null, Hybrid("bucket"), Token);

        Assert.Equal(["p6", "p1", "p2", "p3", "p4", "p5"], hits.Select(h => h.Product.Id));
        var fusion = FusionSettings.Default;
        var expected = fusion.Contribution(6, fusion.DenseWeight) + fusion.Contribution(1, fusion.LexicalWeight) + fusion.Contribution(1, fusion.NameWeight);
        Assert.Equal((float)expected, hits[0].Score, 1e-6f);
        Assert.Equal((float)fusion.Contribution(1, fusion.DenseWeight), hits[1].Score, 1e-6f);
    }

    [Fact]
    public async Task Hybrid_WeightsShiftTheRanking()
    {
        await SeedAsync();

        // With the lexical list weighted far below the dense one (its rank 1 counts as rank 100) and
        // k = 0, the dense order comes back: p6 scores 1/6 + 1/100, below p5's 1/5.
        var hits = await Index.SearchAsync(null, Hybrid("bucket") with { Fusion = new FusionSettings(K: 0, DenseWeight: 1, LexicalWeight: 0.01f, NameWeight: 0) }, Token);

        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], hits.Select(h => h.Product.Id));
        Assert.Equal(1f / 6 + (1f / 100), hits[5].Score, 1e-5f);
    }

    [Fact]
    public async Task Hybrid_WithDbsf_SumsEachListsScoresNormalisedByMeanAndThreeDeviations()
    {
        await SeedAsync();
        var query = Hybrid("bucket") with { Fusion = new FusionSettings(NameWeight: 0, Method: FusionMethod.Dbsf) };
        var dense = await Index.SearchAsync(null, query with { Mode = SearchMode.Dense, Limit = 100 }, Token);
        var lexical = await Index.SearchAsync(null, query with { Mode = SearchMode.Lexical, Limit = 100 }, Token);

        var hits = await Index.SearchAsync(null, query, Token);

        // The expected fusion, computed from the two lists each store returns on its own.
        var denseBounds = FusionSettings.DistributionBounds([.. dense.Select(h => h.Score)]);
        var lexicalBounds = FusionSettings.DistributionBounds([.. lexical.Select(h => h.Score)]);
        var expected = dense.Select(h => h.Product.Id).Union(lexical.Select(h => h.Product.Id))
            .Select(id => (Id: id, Score:
                (dense.FirstOrDefault(h => h.Product.Id == id) is { } d ? FusionSettings.Normalized(d.Score, denseBounds) : 0)
                + (lexical.FirstOrDefault(h => h.Product.Id == id) is { } l ? FusionSettings.Normalized(l.Score, lexicalBounds) : 0)))
            .OrderByDescending(e => e.Score)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Product.Id));
        Assert.Equal((float)expected[0].Score, hits[0].Score, 1e-4f);
        Assert.Equal("p6", hits[0].Product.Id);
    }

    [Fact]
    public async Task Hybrid_WithFilter_AppliesItToBothHalves()
    {
        await SeedAsync();

        // "steel" matches p3 (material) and p6 (title, material); only red products may come back.
        var hits = await Index.SearchAsync(null, Hybrid("steel") with { Filter = ProductFilter.Equal(ProductSchema.Color, "red") }, Token);

        Assert.Equal(["p3", "p1"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Hybrid_WithoutTheText_IsRejected()
    {
        await SeedAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, new VectorQuery(QueryE0) { Mode = SearchMode.Hybrid }, Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(null, new VectorQuery([]) { Mode = SearchMode.Lexical, Text = " " }, Token));
    }

    protected static VectorQuery Lexical(string text) => new([]) { Mode = SearchMode.Lexical, Text = text };

    protected static VectorQuery Hybrid(string text) => new(QueryE0) { Mode = SearchMode.Hybrid, Text = text };

    // ---- similar and count --------------------------------------------------------------------

    [Fact]
    public async Task Similar_ExcludesTheProductItself_AndRanksByItsVector()
    {
        await SeedAsync();

        var hits = await Index.SimilarAsync(null, "p3", cancellationToken: Token);

        Assert.Equal(["p1", "p2", "p4", "p5", "p6"], hits.Select(h => h.Product.Id));
        Assert.Equal(Dot(VectorOf(3), VectorOf(1)), hits[0].Score, ScoreTolerance);
    }

    [Fact]
    public async Task Similar_HonoursFilterAndPaging()
    {
        await SeedAsync();

        var zenith = await Index.SimilarAsync(null, "p1", ProductFilter.Equal(ProductSchema.Brand, "Zenith"), cancellationToken: Token);
        var acme = await Index.SimilarAsync(null, "p1", ProductFilter.Equal(ProductSchema.Brand, "Acme"), cancellationToken: Token);
        var page = await Index.SimilarAsync(null, "p1", limit: 2, offset: 1, cancellationToken: Token);

        Assert.Equal(["p3", "p6"], zenith.Select(h => h.Product.Id));
        Assert.Equal(["p2"], acme.Select(h => h.Product.Id));
        Assert.Equal(["p3", "p4"], page.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Similar_UnknownProduct_ReturnsEmpty()
    {
        await SeedAsync();

        Assert.Empty(await Index.SimilarAsync(null, "no-such-product", cancellationToken: Token));
    }

    [Fact]
    public async Task Count_WithFilter_CountsMatches()
    {
        await SeedAsync();

        Assert.Equal(6, await Index.CountAsync(null, null, Token));
        Assert.Equal(2, await Index.CountAsync(null, ProductFilter.Equal(ProductSchema.Brand, "Acme"), Token));
        Assert.Equal(4, await Index.CountAsync(null, ProductFilter.NoneOf(ProductSchema.Brand, "Acme"), Token));
        Assert.Equal(3, await Index.CountAsync(null, ProductFilter.Range(ProductSchema.Price, 10, 20), Token));
        Assert.Equal(0, await Index.CountAsync(null, ProductFilter.Or(), Token));
    }

    // ---- generations --------------------------------------------------------------------------

    [Fact]
    public async Task NewIndex_HasNoGenerations_AndDataCallsThrowGenerationNotFound()
    {
        Assert.Empty(await Index.ListGenerationsAsync(Token));
        Assert.Null(await Index.GetLiveGenerationAsync(Token));

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync(null, new VectorQuery(QueryE0), Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.CountAsync(null, null, Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.UpsertAsync(null, [Record(Catalogue[0])], Token));
    }

    [Fact]
    public async Task Search_BeforeAnyGenerationIsLive_ThrowsGenerationNotFound()
    {
        var generation = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(generation.Name, [.. Catalogue.Select(Record)], Token);

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync(null, new VectorQuery(QueryE0), Token));
        Assert.Equal(["p1", "p2"], (await Index.SearchAsync(generation.Name, new VectorQuery(QueryE0, Limit: 2), Token)).Select(h => h.Product.Id));
    }

    [Fact]
    public async Task CreateGeneration_IsListedWithItsModel_AndNotLive()
    {
        var generation = await Index.CreateGenerationAsync(TestModel, Token);

        var listed = Assert.Single(await Index.ListGenerationsAsync(Token));
        Assert.Equal(generation.Name, listed.Name);
        Assert.Equal(TestModel, listed.Model);
        Assert.False(listed.IsLive);
        Assert.False(generation.IsLive);
        Assert.False(string.IsNullOrWhiteSpace(generation.Name));
        Assert.Null(await Index.GetLiveGenerationAsync(Token));
    }

    [Fact]
    public async Task ActivateGeneration_MakesItLive_AndMovesTheLivePointer()
    {
        var first = await Index.CreateGenerationAsync(TestModel, Token);
        var second = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(first.Name, [Record(Catalogue[0])], Token);
        await Index.UpsertAsync(second.Name, [Record(Catalogue[1]), Record(Catalogue[2])], Token);

        await Index.ActivateGenerationAsync(first.Name, Token);
        var countFirst = await Index.CountAsync(null, null, Token);
        await Index.ActivateGenerationAsync(second.Name, Token);
        var countSecond = await Index.CountAsync(null, null, Token);
        var generations = await Index.ListGenerationsAsync(Token);

        Assert.Equal(1, countFirst);
        Assert.Equal(2, countSecond);
        Assert.Equal(second.Name, (await Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Equal(2, generations.Count);
        Assert.Equal(second.Name, Assert.Single(generations, g => g.IsLive).Name);
        Assert.Equal(["p2", "p3"], await SearchIdsAsync(null));
    }

    [Fact]
    public async Task Generations_AreIsolated()
    {
        var live = await CreateLiveGenerationAsync();
        var next = await Index.CreateGenerationAsync(new IndexModel("other-model", 4), Token);
        await Index.UpsertAsync(live, [Record(Catalogue[0])], Token);

        await Index.UpsertAsync(next.Name, [new IndexRecord(Catalogue[1], [0, 1, 0, 0], "h")], Token);

        Assert.Null(await Index.GetAsync(next.Name, "p1", Token));
        Assert.Null(await Index.GetAsync(null, "p2", Token));
        Assert.Equal(1, await Index.CountAsync(next.Name, null, Token));
        Assert.Equal(["p1"], await SearchIdsAsync(null));
        Assert.Equal("p2", Assert.Single(await Index.SearchAsync(next.Name, new VectorQuery([0, 1, 0, 0]), Token)).Product.Id);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(next.Name, new VectorQuery(QueryE0), Token));
    }

    [Fact]
    public async Task DropGeneration_RemovesIt_AndItsNameNoLongerResolves()
    {
        await SeedAsync();
        var old = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(old.Name, [Record(Catalogue[0])], Token);

        await Index.DropGenerationAsync(old.Name, Token);

        Assert.DoesNotContain(await Index.ListGenerationsAsync(Token), g => g.Name == old.Name);
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.GetAsync(old.Name, "p1", Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.ActivateGenerationAsync(old.Name, Token));
        Assert.Equal(6, await Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task DropGeneration_WhenLive_ThrowsInvalidOperation_AndKeepsIt()
    {
        var live = await SeedAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Index.DropGenerationAsync(live, Token));

        Assert.Equal(live, (await Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Equal(6, await Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task UnknownGenerationName_ThrowsGenerationNotFound()
    {
        await SeedAsync();

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync("no-such-generation", new VectorQuery(QueryE0), Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.UpsertAsync("no-such-generation", [Record(Catalogue[0])], Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.ActivateGenerationAsync("no-such-generation", Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.DropGenerationAsync("no-such-generation", Token));
    }

    [Fact]
    public async Task ActivateGeneration_WhileSearchesRun_SearchesNeverFailAndSeeACompleteGeneration()
    {
        const int perGeneration = 40;
        const int switches = 20;
        var a = await Index.CreateGenerationAsync(TestModel, Token);
        var b = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(a.Name, [.. Enumerable.Range(0, perGeneration).Select(i => Generated("a", i))], Token);
        await Index.UpsertAsync(b.Name, [.. Enumerable.Range(0, perGeneration).Select(i => Generated("b", i))], Token);
        await Index.ActivateGenerationAsync(a.Name, Token);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var switching = Task.Run(
            async () =>
            {
                for (var i = 0; i < switches; i++)
                {
                    await Index.ActivateGenerationAsync(i % 2 == 0 ? b.Name : a.Name, timeout.Token);
                    await Task.Yield();
                }
            },
            timeout.Token);
        var searchers = Enumerable.Range(0, 4).Select(_ => Task.Run(
            async () =>
            {
                var seen = new List<string>();
                do
                {
                    var hits = await Index.SearchAsync(null, new VectorQuery(QueryE0, Limit: 100), timeout.Token);
                    var prefixes = hits.Select(h => h.Product.Id[..1]).Distinct().ToList();
                    Assert.Equal(perGeneration, hits.Count);
                    seen.Add(Assert.Single(prefixes));
                    var filtered = await Index.CountAsync(null, ProductFilter.Equal(ProductSchema.Brand, "shared"), timeout.Token);
                    Assert.Equal(perGeneration, filtered);
                }
                while (!switching.IsCompleted);

                return seen;
            },
            timeout.Token)).ToList();

        await switching;
        var seenByEach = await Task.WhenAll(searchers);

        Assert.All(seenByEach, seen => Assert.NotEmpty(seen));
        Assert.All(seenByEach.SelectMany(s => s), prefix => Assert.True(prefix is "a" or "b", $"unexpected generation prefix {prefix}"));
        Assert.Equal(a.Name, (await Index.GetLiveGenerationAsync(Token))!.Name);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /// <summary>Creates a generation of the test model, makes it live, returns its name.</summary>
    protected async Task<string> CreateLiveGenerationAsync()
    {
        var generation = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.ActivateGenerationAsync(generation.Name, Token);
        return generation.Name;
    }

    /// <summary>A live generation holding the catalogue.</summary>
    protected async Task<string> SeedAsync()
    {
        var generation = await CreateLiveGenerationAsync();
        await Index.UpsertAsync(null, [.. Catalogue.Select(Record)], Token);
        return generation;
    }

    protected async Task<IReadOnlyList<string>> SearchIdsAsync(ProductFilter? filter, int limit = 10, int offset = 0)
    {
        var hits = await Index.SearchAsync(null, new VectorQuery(QueryE0, filter, limit, offset), Token);
        return [.. hits.Select(h => h.Product.Id)];
    }

    /// <summary>The record of a catalogue product: its vector and a hash derived from its id.</summary>
    protected static IndexRecord Record(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var rank = int.Parse(product.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        return new IndexRecord(product, VectorOf(rank), Hash(product.Id));
    }

    protected static string Hash(string productId) => "hash-of-" + productId;

    /// <summary>The unit vector of catalogue product <c>p{rank}</c>: 8·rank degrees from e0, towards an axis of its own.</summary>
    protected static float[] VectorOf(int rank)
    {
        var angle = rank * 8 * Math.PI / 180;
        var vector = new float[Dimensions];
        vector[0] = (float)Math.Cos(angle);
        vector[1 + (rank % (Dimensions - 1))] = (float)Math.Sin(angle);
        return vector;
    }

    protected static float ExpectedScore(int rank) => (float)Math.Cos(rank * 8 * Math.PI / 180);

    protected static float[] Axis(int axis, float length = 1f)
    {
        var vector = new float[Dimensions];
        vector[axis] = length;
        return vector;
    }

    protected static float Dot(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    protected static void AssertVectorsEqual(float[] expected, float[] actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], ScoreTolerance);
        }
    }

    private static IndexRecord Generated(string prefix, int i)
    {
        var vector = new float[Dimensions];
        vector[0] = 1;
        vector[1 + (i % (Dimensions - 1))] = 0.01f * (i + 1);
        var product = new Product { Id = $"{prefix}-{i:D3}", Title = $"{prefix} {i}", Brand = "shared" };
        return new IndexRecord(product, vector, Hash(product.Id));
    }
}
