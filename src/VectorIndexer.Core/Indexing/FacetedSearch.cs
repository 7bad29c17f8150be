using VectorIndexer.Core.Filtering;

namespace VectorIndexer.Core.Indexing;

/// <summary>How a faceted search orders the relevant set.</summary>
public enum SearchSort
{
    /// <summary>Best match first (the search's own order).</summary>
    Relevance,

    /// <summary>Cheapest first; products without a price last.</summary>
    PriceAscending,

    /// <summary>Dearest first; products without a price last.</summary>
    PriceDescending,

    /// <summary>Best rated first (more ratings first among equal ones); unrated last.</summary>
    Rating,
}

/// <summary>A keyword value and how many of the relevant set have it.</summary>
public sealed record FacetValue(string Value, int Count);

/// <summary>The category paths of one level (1 is the root) and how many of the relevant set are in each.</summary>
public sealed record CategoryFacet(int Level, IReadOnlyList<CategoryFacetValue> Values);

/// <summary>A category path down to its facet's level, and its count.</summary>
public sealed record CategoryFacetValue(IReadOnlyList<string> Path, int Count);

/// <summary>A price range (<see cref="Min"/> inclusive, <see cref="Max"/> exclusive; null: open) and its count.</summary>
public sealed record PriceBucket(decimal? Min, decimal? Max, int Count);

/// <summary>Counts over the relevant set of a search, for the fields asked for.</summary>
/// <param name="Keywords">For each keyword field asked for (brand, color, currency, inStock, attributes.*), its most common values, top 20 by count (ties by value).</param>
/// <param name="Category">With <c>category</c>: the top 20 paths of each level.</param>
/// <param name="Price">With <c>price</c>: every bucket of <see cref="FacetedSearch.PriceEdges"/> that holds a product.</param>
public sealed record SearchFacets(IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Keywords, IReadOnlyList<CategoryFacet>? Category, IReadOnlyList<PriceBucket>? Price);

/// <summary>
/// Facet counts and sorting on top of any <see cref="IProductSearch"/>: the search is run for its
/// relevant set (the first <c>depth</c> hits of the query, filters applied; fewer where fewer
/// match, as in lexical mode), the facets are counted over that whole set, the set is re-ordered by
/// the sort, and the page is cut from it. So facets and sort describe the products the query found,
/// not the whole catalogue, and both stores give the same answer on the same hits.
/// </summary>
public static class FacetedSearch
{
    /// <summary>Values listed per facet.</summary>
    public const int MaxValues = 20;

    /// <summary>The fields a facet may name besides <c>attributes.&lt;name&gt;</c>.</summary>
    public static readonly IReadOnlyList<string> Fields = [ProductSchema.Brand, ProductSchema.Color, ProductSchema.Currency, ProductSchema.Category, ProductSchema.Price, ProductSchema.InStock];

    /// <summary>Edges of the price buckets: under 10, 10–25, 25–50, 50–100, 100–250, 250–500, 500–1,000, 1,000 and over.</summary>
    public static readonly IReadOnlyList<decimal> PriceEdges = [10m, 25m, 50m, 100m, 250m, 500m, 1000m];

    /// <exception cref="ArgumentException">A field no facet can count (named in the message); parameter name <c>facets</c>.</exception>
    public static void ThrowIfUnknown(IEnumerable<string> facets)
    {
        ArgumentNullException.ThrowIfNull(facets);
        foreach (var field in facets)
        {
            if (!Fields.Contains(field, StringComparer.Ordinal) && !(field.StartsWith(ProductSchema.AttributePrefix, StringComparison.Ordinal) && field.Length > ProductSchema.AttributePrefix.Length))
            {
                throw new ArgumentException($"No facet for '{field}'; facets count {string.Join(", ", Fields)} and attributes.<name>.", nameof(facets));
            }
        }
    }

    /// <summary>
    /// The page of <paramref name="query"/> (its limit and offset) cut from its relevant set (the
    /// first <paramref name="depth"/> hits; in relevance order offset + limit when more, while a
    /// sorted set ends at the depth, so its pages never shift), ordered by
    /// <paramref name="sort"/>, with the facets of the whole set and its size.
    /// </summary>
    public static async Task<SearchResult> SearchFacetedAsync(this IProductSearch search, string? generation, ProductQuery query, IReadOnlyList<string> facets, SearchSort sort, int depth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(facets);
        ThrowIfUnknown(facets);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        // In relevance order a deeper page only extends the set; a sort re-orders a fixed set, so
        // its pages stay consistent and end at the depth.
        var size = sort == SearchSort.Relevance ? Math.Max(depth, checked(query.Offset + query.Limit)) : depth;
        var relevant = (await search.SearchAsync(generation, query with { Limit = size, Offset = 0 }, cancellationToken).ConfigureAwait(false)).Hits;
        var page = Sort(relevant, sort).Skip(query.Offset).Take(query.Limit).ToList();
        return new SearchResult(page) { Facets = facets.Count == 0 ? null : Count(relevant, facets), Total = relevant.Count };
    }

    /// <summary>The hits in <paramref name="sort"/> order; equal ones keep their relevance order.</summary>
    public static IEnumerable<SearchHit> Sort(IReadOnlyList<SearchHit> hits, SearchSort sort)
    {
        ArgumentNullException.ThrowIfNull(hits);
        return sort switch
        {
            SearchSort.Relevance => hits,
            SearchSort.PriceAscending => hits.OrderBy(h => h.Product.Price is null).ThenBy(h => h.Product.Price),
            SearchSort.PriceDescending => hits.OrderBy(h => h.Product.Price is null).ThenByDescending(h => h.Product.Price),
            SearchSort.Rating => hits.OrderBy(h => h.Product.Rating is null).ThenByDescending(h => h.Product.Rating).ThenByDescending(h => h.Product.RatingCount ?? 0),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Unknown sort."),
        };
    }

    /// <summary>The counts of <paramref name="fields"/> over <paramref name="hits"/>.</summary>
    public static SearchFacets Count(IReadOnlyList<SearchHit> hits, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentNullException.ThrowIfNull(fields);
        var keywords = new Dictionary<string, IReadOnlyList<FacetValue>>(StringComparer.Ordinal);
        IReadOnlyList<CategoryFacet>? category = null;
        IReadOnlyList<PriceBucket>? price = null;
        foreach (var field in fields.Distinct(StringComparer.Ordinal))
        {
            switch (field)
            {
                case ProductSchema.Category:
                    category = CountCategories(hits);
                    break;
                case ProductSchema.Price:
                    price = CountPrices(hits);
                    break;
                default:
                    keywords[field] = [.. Top(hits.Select(h => KeywordOf(h.Product, field)).OfType<string>().Select(v => (v, v))).Select(v => new FacetValue(v.Value, v.Count))];
                    break;
            }
        }

        return new SearchFacets(keywords, category, price);
    }

    private static string? KeywordOf(Product product, string field) => field switch
    {
        ProductSchema.Brand => product.Brand,
        ProductSchema.Color => product.Color,
        ProductSchema.Currency => product.Currency,
        ProductSchema.InStock => product.InStock is bool b ? (b ? "true" : "false") : null,
        _ => product.Attributes.TryGetValue(field[ProductSchema.AttributePrefix.Length..], out var value) ? value : null,
    };

    private static List<CategoryFacet> CountCategories(IReadOnlyList<SearchHit> hits)
    {
        var levels = new List<CategoryFacet>();
        for (var level = 1; ; level++)
        {
            var paths = hits
                .Select(h => h.Product.Category.Where(c => !string.IsNullOrEmpty(c)).ToArray())
                .Where(p => p.Length >= level)
                .Select(p => (Key: string.Join('\u001f', p.Take(level)), Value: (IReadOnlyList<string>)p[..level]))
                .ToList();
            if (paths.Count == 0)
            {
                return levels;
            }

            levels.Add(new CategoryFacet(level, [.. Top(paths).Select(v => new CategoryFacetValue(v.Value, v.Count))]));
        }
    }

    private static List<PriceBucket> CountPrices(IReadOnlyList<SearchHit> hits)
    {
        var counts = new int[PriceEdges.Count + 1];
        foreach (var hit in hits)
        {
            if (hit.Product.Price is decimal p)
            {
                var bucket = 0;
                while (bucket < PriceEdges.Count && p >= PriceEdges[bucket])
                {
                    bucket++;
                }

                counts[bucket]++;
            }
        }

        return [.. counts
            .Select((count, i) => new PriceBucket(i == 0 ? null : PriceEdges[i - 1], i == PriceEdges.Count ? null : PriceEdges[i], count))
            .Where(b => b.Count > 0)];
    }

    /// <summary>The most common values, top <see cref="MaxValues"/> by count, ties by key.</summary>
    private static List<(T Value, int Count)> Top<T>(IEnumerable<(string Key, T Value)> values) => [.. values
        .GroupBy(v => v.Key, StringComparer.Ordinal)
        .Select(g => (Key: g.Key, Value: g.First().Value, Count: g.Count()))
        .OrderByDescending(g => g.Count)
        .ThenBy(g => g.Key, StringComparer.Ordinal)
        .Take(MaxValues)
        .Select(g => (g.Value, g.Count))];
}
