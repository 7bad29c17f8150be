namespace VectorIndexer.Core.Similarity;

/// <summary>Products close enough to be the same item listed twice, or its variants.</summary>
/// <param name="Members">The product ids of the group, in ordinal order (at least two).</param>
/// <param name="MinLinkScore">The weakest link that joined the group: every member reaches another by a chain of links at least this close.</param>
/// <param name="MaxLinkScore">The closest pair of the group.</param>
public sealed record NearDuplicateGroup(IReadOnlyList<string> Members, float MinLinkScore, float MaxLinkScore);

/// <summary>
/// Groups products whose cosine reaches a threshold, from the k-nearest lists of a neighbours
/// export: each pair at or above the threshold is a link, and groups are the connected components
/// of the links (union-find). A pair only links when one of the two has the other among its k
/// nearest, so a group larger than k + 1 may be split; ask for more neighbours to join it.
/// </summary>
public sealed class NearDuplicateFinder
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];
    private readonly List<int> _parent = [];
    private readonly List<(int A, int B, float Score)> _links = [];

    /// <param name="threshold">The lowest cosine that makes two products near-duplicates (in (0, 1]).</param>
    public NearDuplicateFinder(float threshold)
    {
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The near-duplicate threshold must be above 0 and at most 1.");
        }

        Threshold = threshold;
    }

    public float Threshold { get; }

    /// <summary>Adds the links of one product's neighbour list.</summary>
    public void Add(ProductNeighbours neighbours)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        foreach (var neighbour in neighbours.Neighbours)
        {
            if (neighbour.Score < Threshold)
            {
                continue;
            }

            var a = Node(neighbours.Product.Id);
            var b = Node(neighbour.ProductId);
            _links.Add((a, b, neighbour.Score));
            Union(a, b);
        }
    }

    /// <summary>The groups found so far, largest first, then by their first member.</summary>
    public IReadOnlyList<NearDuplicateGroup> Groups()
    {
        var members = new Dictionary<int, List<string>>();
        var scores = new Dictionary<int, (float Min, float Max)>();
        for (var node = 0; node < _ids.Count; node++)
        {
            var root = Find(node);
            if (!members.TryGetValue(root, out var list))
            {
                members[root] = list = [];
            }

            list.Add(_ids[node]);
        }

        foreach (var (a, _, score) in _links)
        {
            var root = Find(a);
            scores[root] = scores.TryGetValue(root, out var s) ? (Math.Min(s.Min, score), Math.Max(s.Max, score)) : (score, score);
        }

        return [.. members
            .Where(m => m.Value.Count > 1)
            .Select(m =>
            {
                m.Value.Sort(StringComparer.Ordinal);
                return new NearDuplicateGroup(m.Value, scores[m.Key].Min, scores[m.Key].Max);
            })
            .OrderByDescending(g => g.Members.Count)
            .ThenBy(g => g.Members[0], StringComparer.Ordinal)];
    }

    private int Node(string id)
    {
        if (!_index.TryGetValue(id, out var node))
        {
            node = _ids.Count;
            _index[id] = node;
            _ids.Add(id);
            _parent.Add(node);
        }

        return node;
    }

    private int Find(int node)
    {
        var root = node;
        while (_parent[root] != root)
        {
            root = _parent[root];
        }

        // Path compression: every node on the way points at the root.
        while (_parent[node] != root)
        {
            var next = _parent[node];
            _parent[node] = root;
            node = next;
        }

        return root;
    }

    private void Union(int a, int b)
    {
        var rootA = Find(a);
        var rootB = Find(b);
        if (rootA != rootB)
        {
            // The smaller index becomes the root: the result does not depend on the order of links.
            _parent[Math.Max(rootA, rootB)] = Math.Min(rootA, rootB);
        }
    }
}
