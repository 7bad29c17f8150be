using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Core.Tests;

public sealed class NearDuplicateFinderTests
{
    [Fact]
    public void Groups_AreTheConnectedComponentsOfLinksAtOrAboveTheThreshold()
    {
        var finder = new NearDuplicateFinder(0.9f);
        finder.Add(Item("a", ("b", 0.97f), ("x", 0.5f)));
        finder.Add(Item("b", ("a", 0.97f), ("c", 0.9f)));
        finder.Add(Item("c", ("b", 0.9f)));
        finder.Add(Item("d", ("e", 0.99f), ("c", 0.89f)));
        finder.Add(Item("x", ("a", 0.5f)));

        var groups = finder.Groups();

        Assert.Equal(2, groups.Count);
        Assert.Equal(["a", "b", "c"], groups[0].Members);
        Assert.Equal(0.9f, groups[0].MinLinkScore);
        Assert.Equal(0.97f, groups[0].MaxLinkScore);
        Assert.Equal(["d", "e"], groups[1].Members);
    }

    [Fact]
    public void Groups_DoNotDependOnTheOrderProductsArrive()
    {
        var items = new[]
        {
            Item("p1", ("p2", 0.96f)), Item("p3", ("p4", 0.95f)), Item("p2", ("p3", 0.99f)), Item("p5", ("p6", 0.99f)), Item("p7"),
        };
        var forward = new NearDuplicateFinder(0.95f);
        var backward = new NearDuplicateFinder(0.95f);
        Array.ForEach(items, forward.Add);
        Array.ForEach([.. items.Reverse()], backward.Add);

        Assert.Equal(forward.Groups().Select(g => string.Join(",", g.Members)), backward.Groups().Select(g => string.Join(",", g.Members)));
        Assert.Equal(["p1", "p2", "p3", "p4"], forward.Groups()[0].Members);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void Threshold_OutsideZeroToOne_IsRefused(float threshold)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new NearDuplicateFinder(threshold));

        Assert.Equal("threshold", error.ParamName);
    }

    private static ProductNeighbours Item(string id, params (string Id, float Score)[] neighbours) =>
        new(new Product { Id = id, Title = id }, [.. neighbours.Select(n => new Neighbour(n.Id, n.Score))]);
}
