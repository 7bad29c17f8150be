namespace VectorIndexer.Index.Qdrant.Tests;

public sealed class GenerationNamesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 3, 4, 5, 678, TimeSpan.FromHours(2));

    [Fact]
    public void NewName_IsPrefixUtcTimestampAndEightHexDigits()
    {
        var names = new GenerationNames("products");

        var name = names.NewName(Now);

        Assert.Matches("^products-20261128010405-[0-9a-f]{8}$", name);
        Assert.True(names.IsGeneration(name));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 1, 4, 5, TimeSpan.Zero), names.CreatedAt(name));
    }

    [Fact]
    public void NewName_TwiceInTheSameSecond_Differs()
    {
        var names = new GenerationNames("products");

        Assert.NotEqual(names.NewName(Now), names.NewName(Now));
    }

    [Theory]
    [InlineData("products-live")]
    [InlineData("products-20261128010405")]
    [InlineData("products-20261128010405-ABCDEF12")]
    [InlineData("products-x-20261128010405-abcdef12")]
    [InlineData("productsx-20261128010405-abcdef12")]
    [InlineData("other-20261128010405-abcdef12")]
    [InlineData("products-20261128010405-abcdef12-copy")]
    [InlineData(null)]
    public void IsGeneration_RejectsNamesOfOtherShapesOrPrefixes(string? name)
    {
        Assert.False(new GenerationNames("products").IsGeneration(name));
    }

    [Fact]
    public void LiveAlias_IsPrefixLive_AndNeverAGenerationName()
    {
        var names = new GenerationNames("shop-a");

        Assert.Equal("shop-a-live", names.LiveAlias);
        Assert.False(names.IsGeneration(names.LiveAlias));
    }

    [Fact]
    public void CreatedAt_OfAForeignName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GenerationNames("products").CreatedAt("other-20261128010405-abcdef12"));
    }
}
