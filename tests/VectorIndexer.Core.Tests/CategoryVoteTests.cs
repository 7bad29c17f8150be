using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Core.Tests;

public sealed class CategoryVoteTests
{
    private static readonly (IReadOnlyList<string> Category, float Score)[] Neighbours =
    [
        (["Home", "Kitchen", "Mugs"], 0.9f),
        (["Home", "Kitchen", "Plates"], 0.5f),
        (["Home", "Kitchen", "Plates"], 0.5f),
        (["Office"], 0.6f),
        ([], 0.99f), // no category: no vote
        (["Garden"], -0.2f), // dissimilar: no vote
    ];

    [Fact]
    public void Vote_WeighsEachPathByItsNeighboursSimilarity()
    {
        var vote = CategoryVote.Vote(Neighbours);

        Assert.Equal(4, vote.Neighbours);
        Assert.Equal(["Home", "Kitchen", "Plates"], vote.Paths[0].Path);
        Assert.Equal(1.0 / 2.5, vote.Paths[0].Confidence, 6);
        Assert.Equal(["Home", "Kitchen", "Mugs"], vote.Paths[1].Path);
        Assert.Equal(["Office"], vote.Paths[2].Path);
    }

    [Fact]
    public void Vote_OfEachLevel_IsItsOwn_NotAPrefixOfTheBestFullPath()
    {
        var vote = CategoryVote.Vote([(["A", "x"], 0.4f), (["A", "y"], 0.4f), (["B", "z"], 0.5f)]);

        Assert.Equal(["B", "z"], vote.Paths[0].Path);
        Assert.Equal(["A"], vote.Levels[0].Path);
        Assert.Equal(0.8 / 1.3, vote.Levels[0].Confidence, 6);
        Assert.Equal(["B", "z"], vote.Levels[1].Path);
    }

    [Fact]
    public void Vote_LeavesOutPathsBelowTheMinimumConfidence_AndAnswersNothingWithoutVoters()
    {
        var vote = CategoryVote.Vote(Neighbours, maxPaths: 5, minConfidence: 0.3);
        var none = CategoryVote.Vote([([], 0.9f)]);

        Assert.Equal([["Home", "Kitchen", "Plates"], ["Home", "Kitchen", "Mugs"]], vote.Paths.Select(p => p.Path));
        Assert.Empty(none.Paths);
        Assert.Empty(none.Levels);
        Assert.Equal(0, none.Neighbours);
    }

    [Fact]
    public void RankedLevels_RankEveryPathOfALevel_AndAreEmptyPastTheDeepest()
    {
        var levels = CategoryVote.RankedLevels(Neighbours, 4);

        Assert.Equal([["Home"], ["Office"]], levels[0].Select(s => s.Path));
        Assert.Equal([["Home", "Kitchen"]], levels[1].Select(s => s.Path));
        Assert.Equal(2, levels[2].Count);
        Assert.Empty(levels[3]);
    }
}
