using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;
using QdrantRange = Qdrant.Client.Grpc.Range;

namespace VectorIndexer.Index.Qdrant.Tests;

public sealed class QdrantFilterMapperTests
{
    private static readonly ProductFilter Acme = ProductFilter.Equal(ProductSchema.Brand, "Acme");
    private static readonly ProductFilter Red = ProductFilter.Equal(ProductSchema.Color, "red");
    private static readonly ProductFilter Cheap = ProductFilter.Range(ProductSchema.Price, max: 10);

    [Fact]
    public void Map_Null_IsNoFilter()
    {
        Assert.Null(QdrantFilterMapper.Map(null));
    }

    [Fact]
    public void Map_EqualOneValue_IsMatchKeyword()
    {
        Assert.Equal(Must(Conditions.MatchKeyword("brand", "Acme")), QdrantFilterMapper.Map(Acme));
    }

    [Fact]
    public void Map_AnyOfSeveralValues_IsMatchAnyKeywords_WithoutDuplicates()
    {
        var mapped = QdrantFilterMapper.Map(ProductFilter.AnyOf(ProductSchema.Color, "red", "blue", "red"));

        Assert.Equal(Must(Conditions.Match("color", ["red", "blue"])), mapped);
        Assert.Equal(["red", "blue"], mapped!.Must[0].Field.Match.Keywords.Strings);
    }

    [Fact]
    public void Map_AnyOfOneRepeatedValue_IsMatchKeyword()
    {
        Assert.Equal(Must(Conditions.MatchKeyword("color", "red")), QdrantFilterMapper.Map(ProductFilter.AnyOf(ProductSchema.Color, "red", "red")));
    }

    [Fact]
    public void Map_NoneOf_IsMustNotMatchAny_SoProductsWithoutTheFieldMatch()
    {
        // must_not [any] holds when no element matches, a missing field included; Qdrant's
        // "except" would hold for a category path with any other level, and never without the field.
        var mapped = QdrantFilterMapper.Map(ProductFilter.NoneOf(ProductSchema.Category, "Kitchen", "Garden"));

        Assert.Equal(new Filter { MustNot = { Conditions.Match("category", ["Kitchen", "Garden"]) } }, mapped);
        Assert.Equal(Match.MatchValueOneofCase.Keywords, mapped!.MustNot[0].Field.Match.MatchValueCase);
    }

    [Fact]
    public void Map_NoneOfOneValue_IsMustNotMatchKeyword()
    {
        Assert.Equal(
            new Filter { MustNot = { Conditions.MatchKeyword("brand", "Acme") } },
            QdrantFilterMapper.Map(ProductFilter.NoneOf(ProductSchema.Brand, "Acme")));
    }

    [Fact]
    public void Map_DeclaredAttribute_IsANestedPayloadKey()
    {
        Assert.Equal(
            Must(Conditions.MatchKeyword("attributes.material", "steel")),
            QdrantFilterMapper.Map(ProductFilter.Equal(ProductSchema.AttributePrefix + "material", "steel")));
    }

    [Theory]
    [InlineData(10.0, 20.0)]
    [InlineData(10.0, null)]
    [InlineData(null, 20.0)]
    [InlineData(99.99, 99.99)]
    public void Map_Range_IsInclusiveGteLte_WithOnlyTheGivenBounds(double? min, double? max)
    {
        var mapped = QdrantFilterMapper.Map(ProductFilter.Range(ProductSchema.Price, min, max));

        var range = Assert.Single(mapped!.Must).Field.Range;
        Assert.Equal("price", Assert.Single(mapped.Must).Field.Key);
        Assert.Equal(min.HasValue, range.HasGte);
        Assert.Equal(max.HasValue, range.HasLte);
        Assert.False(range.HasGt);
        Assert.False(range.HasLt);
        if (min is double gte)
        {
            Assert.Equal(gte, range.Gte);
        }

        if (max is double lte)
        {
            Assert.Equal(lte, range.Lte);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Map_Bool_IsMatchBoolean(bool value)
    {
        var mapped = QdrantFilterMapper.Map(ProductFilter.Is(ProductSchema.InStock, value));

        Assert.Equal(Must(Conditions.Match("inStock", value)), mapped);
        Assert.Equal(Match.MatchValueOneofCase.Boolean, mapped!.Must[0].Field.Match.MatchValueCase);
    }

    [Fact]
    public void Map_And_IsMust()
    {
        Assert.Equal(
            new Filter { Must = { Conditions.MatchKeyword("brand", "Acme"), Conditions.MatchKeyword("color", "red") } },
            QdrantFilterMapper.Map(ProductFilter.And(Acme, Red)));
    }

    [Fact]
    public void Map_Or_IsShould()
    {
        Assert.Equal(
            new Filter { Should = { Conditions.MatchKeyword("brand", "Acme"), Conditions.MatchKeyword("color", "red") } },
            QdrantFilterMapper.Map(ProductFilter.Or(Acme, Red)));
    }

    [Fact]
    public void Map_Not_IsMustNot()
    {
        Assert.Equal(new Filter { MustNot = { Conditions.MatchKeyword("brand", "Acme") } }, QdrantFilterMapper.Map(ProductFilter.Not(Acme)));
    }

    [Fact]
    public void Map_NotOfRange_IsMustNotRange_SoProductsWithoutThePriceMatch()
    {
        Assert.Equal(
            new Filter { MustNot = { Conditions.Range("price", new QdrantRange { Lte = 10 }) } },
            QdrantFilterMapper.Map(ProductFilter.Not(Cheap)));
    }

    [Fact]
    public void Map_NotOfNoneOf_IsAnAnyOfNestedInMustNot()
    {
        var mapped = QdrantFilterMapper.Map(ProductFilter.Not(ProductFilter.NoneOf(ProductSchema.Brand, "Acme", "Zenith")));

        Assert.Equal(
            new Filter { MustNot = { new Condition { Filter = new Filter { MustNot = { Conditions.Match("brand", ["Acme", "Zenith"]) } } } } },
            mapped);
    }

    [Fact]
    public void Map_OrInsideAnd_StaysANestedShould()
    {
        var mapped = QdrantFilterMapper.Map(ProductFilter.And(Cheap, ProductFilter.Or(Acme, Red)));

        Assert.Equal(
            new Filter
            {
                Must =
                {
                    Conditions.Range("price", new QdrantRange { Lte = 10 }),
                    new Condition { Filter = new Filter { Should = { Conditions.MatchKeyword("brand", "Acme"), Conditions.MatchKeyword("color", "red") } } },
                },
            },
            mapped);
    }

    [Fact]
    public void Map_NestedAnds_AreFlattened_AndNestedOrs_Too()
    {
        Assert.Equal(
            new Filter { Must = { Conditions.MatchKeyword("brand", "Acme"), Conditions.MatchKeyword("color", "red"), Conditions.Range("price", new QdrantRange { Lte = 10 }) } },
            QdrantFilterMapper.Map(ProductFilter.And(ProductFilter.And(Acme, Red), Cheap)));
        Assert.Equal(
            new Filter { Should = { Conditions.MatchKeyword("brand", "Acme"), Conditions.MatchKeyword("color", "red"), Conditions.Range("price", new QdrantRange { Lte = 10 }) } },
            QdrantFilterMapper.Map(ProductFilter.Or(Acme, ProductFilter.Or(Red, Cheap))));
    }

    [Fact]
    public void Map_NotInsideAnd_IsNotFlattenedIntoMust()
    {
        Assert.Equal(
            new Filter
            {
                Must =
                {
                    Conditions.MatchKeyword("brand", "Acme"),
                    new Condition { Filter = new Filter { MustNot = { Conditions.MatchKeyword("color", "red") } } },
                },
            },
            QdrantFilterMapper.Map(ProductFilter.And(Acme, ProductFilter.Not(Red))));
    }

    [Fact]
    public void Map_EmptyAnd_MatchesEverything()
    {
        Assert.Null(QdrantFilterMapper.Map(ProductFilter.And()));
    }

    [Fact]
    public void Map_EmptyOr_MatchesNothing()
    {
        // Over gRPC an empty should list means "no condition", so it cannot be sent as such.
        var mapped = QdrantFilterMapper.Map(ProductFilter.Or());

        Assert.True(QdrantFilterMapper.IsMatchNothing(mapped));
        Assert.Equal(new Filter { MustNot = { new Condition { Filter = new Filter() } } }, mapped);
    }

    [Fact]
    public void Map_NotOfEmptyOr_MatchesEverything_AndNotOfEmptyAnd_Nothing()
    {
        Assert.Null(QdrantFilterMapper.Map(ProductFilter.Not(ProductFilter.Or())));
        Assert.True(QdrantFilterMapper.IsMatchNothing(QdrantFilterMapper.Map(ProductFilter.Not(ProductFilter.And()))));
    }

    [Fact]
    public void Map_AndWithAnEmptyOr_MatchesNothing_AndOrWithAnEmptyAnd_Everything()
    {
        Assert.True(QdrantFilterMapper.IsMatchNothing(QdrantFilterMapper.Map(ProductFilter.And(Acme, ProductFilter.Or()))));
        Assert.Null(QdrantFilterMapper.Map(ProductFilter.Or(Acme, ProductFilter.And())));
    }

    [Fact]
    public void Map_ConstantChildren_DropOut()
    {
        // and(x, true) = x, or(x, false) = x: no empty nested filters reach Qdrant.
        Assert.Equal(Must(Conditions.MatchKeyword("brand", "Acme")), QdrantFilterMapper.Map(ProductFilter.And(Acme, ProductFilter.And())));
        Assert.Equal(Must(Conditions.MatchKeyword("brand", "Acme")), QdrantFilterMapper.Map(ProductFilter.Or(Acme, ProductFilter.Or())));
        Assert.Equal(
            new Filter { Must = { Conditions.MatchKeyword("brand", "Acme"), Conditions.MatchKeyword("color", "red") } },
            QdrantFilterMapper.Map(ProductFilter.And(Acme, ProductFilter.Not(ProductFilter.Or()), Red)));
    }

    [Fact]
    public void Map_DeeplyNestedCombination_KeepsItsShape()
    {
        var filter = ProductFilter.Or(
            ProductFilter.And(Acme, ProductFilter.Is(ProductSchema.InStock, false)),
            ProductFilter.And(Cheap, ProductFilter.Not(ProductFilter.Equal(ProductSchema.Color, "blue"))));

        var mapped = QdrantFilterMapper.Map(filter);

        Assert.Equal(
            new Filter
            {
                Should =
                {
                    new Condition { Filter = new Filter { Must = { Conditions.MatchKeyword("brand", "Acme"), Conditions.Match("inStock", false) } } },
                    new Condition
                    {
                        Filter = new Filter
                        {
                            Must =
                            {
                                Conditions.Range("price", new QdrantRange { Lte = 10 }),
                                new Condition { Filter = new Filter { MustNot = { Conditions.MatchKeyword("color", "blue") } } },
                            },
                        },
                    },
                },
            },
            mapped);
    }

    [Fact]
    public void IsMatchNothing_IsFalseForOrdinaryFiltersAndNull()
    {
        Assert.False(QdrantFilterMapper.IsMatchNothing(null));
        Assert.False(QdrantFilterMapper.IsMatchNothing(new Filter()));
        Assert.False(QdrantFilterMapper.IsMatchNothing(QdrantFilterMapper.Map(Acme)));
    }

    [Fact]
    public void Excluding_AddsMustNotHasId_AndLeavesTheOriginalUntouched()
    {
        var id = Guid.Parse("0b6f7f4e-4c1a-5d0e-9a3b-1c2d3e4f5a6b");
        var original = QdrantFilterMapper.Map(Acme)!;

        var excluding = QdrantFilterMapper.Excluding(original, id);

        Assert.Equal(new Filter { Must = { Conditions.MatchKeyword("brand", "Acme") }, MustNot = { Conditions.HasId(id) } }, excluding);
        Assert.Empty(original.MustNot);
        Assert.Equal(id.ToString(), excluding.MustNot[0].HasId.HasId[0].Uuid);
        Assert.Equal(new Filter { MustNot = { Conditions.HasId(id) } }, QdrantFilterMapper.Excluding(null, id));
    }

    private static Filter Must(Condition condition) => new() { Must = { condition } };
}
