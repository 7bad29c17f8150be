using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
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

        var ex = await Assert.ThrowsAsync<FilterValidationException>(() => Index.SearchAsync(null, new ProductQuery(QueryE0, ProductFilter.And(ProductFilter.Equal(field, "x"))), Token));

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
}
