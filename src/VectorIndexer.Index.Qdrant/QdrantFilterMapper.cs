using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;

namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// Translates a <see cref="ProductFilter"/> into a Qdrant <see cref="Filter"/> with the semantics
/// the contract states, which Qdrant's own operators do not all give directly:
/// <list type="bullet">
/// <item>An empty <c>and</c> matches everything and an empty <c>or</c> matches nothing. Over gRPC
/// Qdrant reads an empty <c>must</c> or <c>should</c> list as "no condition", so both would match
/// everything; constants are therefore folded away before anything is sent.</item>
/// <item><c>none of</c> is <c>must_not: [match any]</c>, not Qdrant's <c>match except</c>: on an
/// array (the category path) <c>except</c> holds when <em>one</em> element is outside the list, and
/// it never holds for a point without the field. <c>must_not</c> of <c>any</c> holds exactly when no
/// element matches, missing field included.</item>
/// <item>Keyword, range and bool conditions on a field a point lacks are false, as in Qdrant;
/// <c>not</c> is <c>must_not</c>, so it is true there.</item>
/// </list>
/// Field names are payload keys as stored by this index (<c>attributes.&lt;name&gt;</c> is a
/// nested key). Validate filters with <see cref="ProductSchema.Validate"/> first.
/// </summary>
public static class QdrantFilterMapper
{
    /// <summary>
    /// A filter no point passes: <c>must_not</c> of an empty nested filter (which every point
    /// passes). The index never sends it: it answers such queries without a round trip.
    /// </summary>
    public static Filter MatchNothing => new() { MustNot = { new Condition { Filter = new Filter() } } };

    /// <summary>
    /// The Qdrant filter for <paramref name="filter"/>: null when it matches every point,
    /// <see cref="MatchNothing"/> when it matches none.
    /// </summary>
    public static Filter? Map(ProductFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        var node = MapNode(filter);
        return node.Truth switch
        {
            Truth.Always => null,
            Truth.Never => MatchNothing,
            _ => AsFilter(node.Condition!),
        };
    }

    /// <summary>Whether <paramref name="filter"/> is <see cref="MatchNothing"/>.</summary>
    public static bool IsMatchNothing(Filter? filter) => filter is not null && filter.Equals(MatchNothing);

    /// <summary>
    /// <paramref name="filter"/> (possibly null) with every point in <paramref name="excluded"/>
    /// left out, as one filter (used to keep a product out of its own similar list).
    /// </summary>
    public static Filter Excluding(Filter? filter, Guid excluded)
    {
        var result = filter?.Clone() ?? new Filter();
        result.MustNot.Add(Conditions.HasId(excluded));
        return result;
    }

    /// <summary><paramref name="filter"/> with the points <paramref name="excluded"/> left out.</summary>
    public static Filter Excluding(Filter? filter, IReadOnlyList<Guid> excluded)
    {
        var result = filter?.Clone() ?? new Filter();
        result.MustNot.Add(Conditions.HasId(excluded));
        return result;
    }

    private static Node MapNode(ProductFilter? filter) => filter switch
    {
        null => throw new ArgumentNullException(nameof(filter), "A nested filter is null; validate filters with ProductSchema.Validate first."),
        AndFilter and => Combine(and.Filters, conjunction: true),
        OrFilter or => Combine(or.Filters, conjunction: false),
        NotFilter not => Negate(MapNode(not.Filter)),
        KeywordFilter { Match: KeywordMatch.Any } keyword => Node.Of(AnyOf(keyword.Field, keyword.Values)),
        KeywordFilter { Match: KeywordMatch.None } keyword => Node.Of(Wrap(new Filter { MustNot = { AnyOf(keyword.Field, keyword.Values) } })),
        KeywordFilter keyword => throw new ArgumentOutOfRangeException(nameof(filter), keyword.Match, "Unknown keyword match."),
        RangeFilter range => Node.Of(Conditions.Range(range.Field, ToRange(range))),
        BoolFilter boolean => Node.Of(Conditions.Match(boolean.Field, boolean.Value)),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter.GetType().Name, "Unknown filter type."),
    };

    private static Node Combine(IReadOnlyList<ProductFilter> filters, bool conjunction)
    {
        // and: a false child makes it false, true children drop out, nothing left is true.
        // or: a true child makes it true, false children drop out, nothing left is false.
        var absorbing = conjunction ? Truth.Never : Truth.Always;
        var conditions = new List<Condition>(filters.Count);
        foreach (var child in filters)
        {
            var node = MapNode(child);
            if (node.Truth == absorbing)
            {
                return new Node(absorbing, null);
            }

            if (node.Truth == Truth.Depends)
            {
                conditions.Add(node.Condition!);
            }
        }

        if (conditions.Count == 0)
        {
            return new Node(conjunction ? Truth.Always : Truth.Never, null);
        }

        if (conditions.Count == 1)
        {
            return Node.Of(conditions[0]);
        }

        var combined = new Filter();
        var target = conjunction ? combined.Must : combined.Should;
        foreach (var condition in conditions)
        {
            // Flatten a nested and into an and (an or into an or): same meaning, a shallower tree.
            if (condition.Filter is { } nested && IsOnly(nested, conjunction))
            {
                target.AddRange(conjunction ? nested.Must : nested.Should);
            }
            else
            {
                target.Add(condition);
            }
        }

        return Node.Of(Wrap(combined));
    }

    private static Node Negate(Node node) => node.Truth switch
    {
        Truth.Always => new Node(Truth.Never, null),
        Truth.Never => new Node(Truth.Always, null),
        _ => Node.Of(Wrap(new Filter { MustNot = { node.Condition! } })),
    };

    private static Condition AnyOf(string field, IReadOnlyList<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToArray();
        return distinct.Length == 1 ? Conditions.MatchKeyword(field, distinct[0]) : Conditions.Match(field, distinct);
    }

    private static global::Qdrant.Client.Grpc.Range ToRange(RangeFilter range)
    {
        var result = new global::Qdrant.Client.Grpc.Range();
        if (range.Min is double min)
        {
            result.Gte = min;
        }

        if (range.Max is double max)
        {
            result.Lte = max;
        }

        return result;
    }

    private static bool IsOnly(Filter filter, bool must) =>
        filter.MinShould is null
        && (must
            ? filter.Should.Count == 0 && filter.MustNot.Count == 0
            : filter.Must.Count == 0 && filter.MustNot.Count == 0);

    private static Condition Wrap(Filter filter) => new() { Filter = filter };

    private static Filter AsFilter(Condition condition) =>
        condition.Filter is { } filter ? filter : new Filter { Must = { condition } };

    private enum Truth
    {
        Depends,
        Always,
        Never,
    }

    private readonly record struct Node(Truth Truth, Condition? Condition)
    {
        public static Node Of(Condition condition) => new(Truth.Depends, condition);
    }
}
