namespace VectorIndexer.Core.Similarity;

/// <summary>A category path suggested for a product, with the share of its neighbours' similarity behind it.</summary>
/// <param name="Path">From the root down (a full path, or a prefix of one for a level's vote).</param>
/// <param name="Confidence">The summed similarity of the neighbours in this path, over that of all neighbours with a category (0 to 1).</param>
public sealed record CategorySuggestion(IReadOnlyList<string> Path, double Confidence);

/// <summary>What the neighbours of a product say its category is.</summary>
/// <param name="Paths">The neighbours' full category paths, most likely first, at or above the minimum confidence.</param>
/// <param name="Levels">For each level from the root, the most likely path down to that level (its own vote, so level 2 need not extend the best full path).</param>
/// <param name="Neighbours">Neighbours that voted (those with a category and a positive similarity).</param>
public sealed record CategoryVoteResult(IReadOnlyList<CategorySuggestion> Paths, IReadOnlyList<CategorySuggestion> Levels, int Neighbours);

/// <summary>
/// Category suggestion by a similarity-weighted vote of a product's nearest products: each
/// neighbour adds its cosine (below 0 it adds nothing) to its own category path and to every
/// prefix of it; a path's confidence is its sum over the total. Neighbours without a category do
/// not vote.
/// </summary>
public static class CategoryVote
{
    /// <summary>The vote of <paramref name="neighbours"/> (category path and cosine of each).</summary>
    /// <param name="neighbours">The product's neighbours, any order.</param>
    /// <param name="maxPaths">Most full paths to return.</param>
    /// <param name="minConfidence">Leave out full paths below this confidence.</param>
    public static CategoryVoteResult Vote(IEnumerable<(IReadOnlyList<string> Category, float Score)> neighbours, int maxPaths = 3, double minConfidence = 0)
    {
        var tally = Tally(neighbours);
        if (tally.Total == 0)
        {
            return new CategoryVoteResult([], [], 0);
        }

        return new CategoryVoteResult(
            [.. Ranked(tally.Full, tally.Total).Where(s => s.Confidence >= minConfidence).Take(maxPaths)],
            [.. tally.Levels.Select(level => Ranked(level, tally.Total).First())],
            tally.Voters);
    }

    /// <summary>Every path of each level, most likely first (for top-n accuracy); empty lists past the deepest path.</summary>
    public static IReadOnlyList<IReadOnlyList<CategorySuggestion>> RankedLevels(IEnumerable<(IReadOnlyList<string> Category, float Score)> neighbours, int levels)
    {
        var tally = Tally(neighbours);
        return [.. Enumerable.Range(0, levels).Select(level => level < tally.Levels.Count ? (IReadOnlyList<CategorySuggestion>)[.. Ranked(tally.Levels[level], tally.Total)] : [])];
    }

    private static Votes Tally(IEnumerable<(IReadOnlyList<string> Category, float Score)> neighbours)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        var votes = new Votes();
        foreach (var (category, score) in neighbours)
        {
            var path = category.Where(c => !string.IsNullOrEmpty(c)).ToArray();
            if (path.Length == 0 || !(score > 0))
            {
                continue;
            }

            votes.Voters++;
            votes.Total += score;
            Add(votes.Full, path, score);
            for (var level = 0; level < path.Length; level++)
            {
                if (votes.Levels.Count <= level)
                {
                    votes.Levels.Add(new Dictionary<string, (string[] Path, double Weight)>(StringComparer.Ordinal));
                }

                Add(votes.Levels[level], path[..(level + 1)], score);
            }
        }

        return votes;
    }

    /// <summary>Paths most likely first, ties by path.</summary>
    private static IEnumerable<CategorySuggestion> Ranked(Dictionary<string, (string[] Path, double Weight)> votes, double total) => votes
        .OrderByDescending(v => v.Value.Weight)
        .ThenBy(v => v.Key, StringComparer.Ordinal)
        .Select(v => new CategorySuggestion(v.Value.Path, v.Value.Weight / total));

    private static void Add(Dictionary<string, (string[] Path, double Weight)> votes, string[] path, double score)
    {
        var key = string.Join('\u001f', path);
        votes[key] = votes.TryGetValue(key, out var v) ? (v.Path, v.Weight + score) : (path, score);
    }

    private sealed class Votes
    {
        public Dictionary<string, (string[] Path, double Weight)> Full { get; } = new(StringComparer.Ordinal);

        public List<Dictionary<string, (string[] Path, double Weight)>> Levels { get; } = [];

        public double Total { get; set; }

        public int Voters { get; set; }
    }
}
