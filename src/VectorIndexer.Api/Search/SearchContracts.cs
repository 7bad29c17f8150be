using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Api.Search;

/// <summary>The body of <c>POST /api/search</c>.</summary>
/// <param name="Q">The query text, 1 to 512 characters.</param>
/// <param name="K">How many results, 1 to 100 (default 10).</param>
/// <param name="Offset">Results to skip, 0 to 10,000.</param>
/// <param name="Filter">A filter in the <see cref="ProductFilter"/> JSON model ("type": and, or, not, keyword, range, bool).</param>
/// <param name="ScoreThreshold">Leave out results scoring below this (cosine, BM25F or fused RRF score, by mode).</param>
/// <param name="Mode">dense, lexical or hybrid; the <c>Search:Mode</c> setting when absent.</param>
/// <param name="Facets">Fields to count over the relevant set: brand, color, currency, inStock, category (each level), price (buckets), attributes.&lt;name&gt;.</param>
/// <param name="Sort">relevance (default), price_asc, price_desc or rating: the order of the relevant set.</param>
public sealed record SearchRequest(string? Q, int? K = null, int? Offset = null, ProductFilter? Filter = null, float? ScoreThreshold = null, string? Mode = null, IReadOnlyList<string>? Facets = null, string? Sort = null);

/// <summary>One result.</summary>
public sealed record SearchItem(
    string Id,
    float Score,
    string Title,
    string? Brand,
    IReadOnlyList<string> Category,
    decimal? Price,
    string? Currency,
    string? Image,
    double? Rating,
    bool? InStock)
{
    public static SearchItem From(SearchHit hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        var p = hit.Product;
        return new SearchItem(p.Id, hit.Score, p.Title, p.Brand, p.Category, p.Price, p.Currency, p.Image, p.Rating, p.InStock);
    }
}

/// <summary>Results, best first, with the time taken, the model and the generation that served them.</summary>
public sealed record SearchResponse(IReadOnlyList<SearchItem> Items, double TookMs, string Model, string Generation)
{
    /// <summary>The search mode that produced the results: dense, lexical or hybrid.</summary>
    public string Mode { get; init; } = "dense";

    /// <summary>With facets or a sort: the counts over the relevant set (the first <c>Search:FacetDepth</c> hits, filters applied).</summary>
    public SearchFacets? Facets { get; init; }

    /// <summary>With facets or a sort: the size of the relevant set (at most <c>Search:FacetDepth</c>, or offset + k when more).</summary>
    public int? Total { get; init; }
}

/// <summary>The filters the GET endpoints take as query parameters.</summary>
public sealed record QueryFilters
{
    public string? Brand { get; init; }

    public string? Category { get; init; }

    public string? Color { get; init; }

    public double? MinPrice { get; init; }

    public double? MaxPrice { get; init; }

    public bool? InStock { get; init; }

    public double? MinRating { get; init; }
}

/// <summary>Checks of request parameters, collected into a ValidationProblem's field errors.</summary>
internal sealed class RequestErrors
{
    public const int MaxQueryLength = 512;
    public const int MaxK = 100;
    public const int MaxOffset = 10_000;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void CheckQuery(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            Add("q", "The query is required.");
        }
        else if (q.Length > MaxQueryLength)
        {
            Add("q", $"The query is longer than {MaxQueryLength} characters.");
        }
    }

    /// <summary>The mode named by the request (dense, lexical, hybrid; any case), or <paramref name="fallback"/> when it names none.</summary>
    public SearchMode CheckMode(string? mode, SearchMode fallback)
    {
        if (mode is null)
        {
            return fallback;
        }

        foreach (var known in Enum.GetValues<SearchMode>())
        {
            if (string.Equals(mode.Trim(), known.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        Add("mode", "mode must be dense, lexical or hybrid.");
        return fallback;
    }

    public void CheckPaging(int k, int offset)
    {
        if (k is < 1 or > MaxK)
        {
            Add("k", $"k must be between 1 and {MaxK}.");
        }

        if (offset is < 0 or > MaxOffset)
        {
            Add("offset", $"offset must be between 0 and {MaxOffset}.");
        }
    }

    /// <summary>Checks the query-string filters and builds the filter they describe (null for none).</summary>
    public ProductFilter? CheckFilters(QueryFilters f)
    {
        if (f.MinPrice is < 0)
        {
            Add("minPrice", "minPrice must not be negative.");
        }

        if (f.MaxPrice is < 0)
        {
            Add("maxPrice", "maxPrice must not be negative.");
        }

        if (f.MinPrice is double min && f.MaxPrice is double max && min > max)
        {
            Add("minPrice", "minPrice is above maxPrice.");
            Add("maxPrice", "maxPrice is below minPrice.");
        }

        if (f.MinRating is double rating && (rating is < 0 or > 5 || double.IsNaN(rating)))
        {
            Add("minRating", "minRating must be between 0 and 5.");
        }

        if (Any)
        {
            return null;
        }

        var parts = new List<ProductFilter>();
        if (!string.IsNullOrEmpty(f.Brand))
        {
            parts.Add(ProductFilter.Equal(ProductSchema.Brand, f.Brand));
        }

        if (!string.IsNullOrEmpty(f.Category))
        {
            parts.Add(ProductFilter.Equal(ProductSchema.Category, f.Category));
        }

        if (!string.IsNullOrEmpty(f.Color))
        {
            parts.Add(ProductFilter.Equal(ProductSchema.Color, f.Color));
        }

        if (f.MinPrice is not null || f.MaxPrice is not null)
        {
            parts.Add(ProductFilter.Range(ProductSchema.Price, f.MinPrice, f.MaxPrice));
        }

        if (f.InStock is bool inStock)
        {
            parts.Add(ProductFilter.Is(ProductSchema.InStock, inStock));
        }

        if (f.MinRating is double minRating)
        {
            parts.Add(ProductFilter.Range(ProductSchema.Rating, minRating));
        }

        return parts.Count switch
        {
            0 => null,
            1 => parts[0],
            _ => ProductFilter.And([.. parts]),
        };
    }

    /// <summary>Checks the facet fields (a comma-separated list or a JSON array); empty when none.</summary>
    public IReadOnlyList<string> CheckFacets(IEnumerable<string>? facets)
    {
        var given = (facets ?? []).ToList();
        if (given.Any(f => f is null))
        {
            Add("facets", "facets holds a null; give field names.");
            return [];
        }

        var fields = given.SelectMany(f => f.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            FacetedSearch.ThrowIfUnknown(fields);
        }
        catch (ArgumentException ex)
        {
            Add("facets", ex.Message.Split(" (Parameter", 2)[0]);
        }

        return fields;
    }

    /// <summary>Checks the sort: relevance (default), price_asc, price_desc or rating.</summary>
    public SearchSort CheckSort(string? sort)
    {
        switch (sort?.Trim().ToLowerInvariant())
        {
            case null or "" or "relevance":
                return SearchSort.Relevance;
            case "price_asc":
                return SearchSort.PriceAscending;
            case "price_desc":
                return SearchSort.PriceDescending;
            case "rating":
                return SearchSort.Rating;
            default:
                Add("sort", "sort must be relevance, price_asc, price_desc or rating.");
                return SearchSort.Relevance;
        }
    }

    /// <summary>Checks a client's filter against the schema, naming the offending field.</summary>
    public void CheckFilter(ProductSchema schema, ProductFilter? filter)
    {
        try
        {
            schema.Validate(filter);
        }
        catch (FilterValidationException ex)
        {
            Add(string.IsNullOrEmpty(ex.Field) ? "filter" : ex.Field, ex.Message);
        }
    }
}

/// <summary>A product as <c>GET /api/products/{id}</c> returns it.</summary>
public sealed record ProductResponse(Product Product, string Generation);
