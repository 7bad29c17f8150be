using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Product search over the live index generation: dense (embeddings), lexical (BM25F) or hybrid
/// (both, fused), per request or by the <c>Search:Mode</c> setting. Every response carries a
/// <c>Server-Timing</c> header with the time spent embedding the query and searching the index.
/// </summary>
public static class SearchApi
{
    public const string Tag = "Search";

    /// <summary>Maps <c>GET /api/search</c> (query-string filters) and <c>POST /api/search</c> (JSON filter model).</summary>
    public static RouteGroupBuilder MapSearchApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/api/search").WithTags(Tag);
        group.MapGet("/", SearchAsync)
            .WithName("SearchProducts")
            .WithSummary("Products best matching the query (mode dense, lexical or hybrid), narrowed by query-string filters.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/", SearchWithFilterAsync)
            .WithName("SearchProductsWithFilter")
            .WithSummary("Products best matching the query (mode dense, lexical or hybrid), narrowed by a filter in the JSON filter model.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary><c>GET /api/search?q=…&amp;k=10&amp;offset=0&amp;mode=hybrid&amp;brand=…&amp;minPrice=…</c></summary>
    public static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(
        [FromQuery] string? q,
        [FromQuery] int? k,
        [FromQuery] int? offset,
        [FromQuery] string? mode,
        [FromQuery] string? facets,
        [FromQuery] string? sort,
        [AsParameters] QueryFilters filters,
        IQueryEmbedder embedder,
        IProductIndex index,
        IOptions<SearchOptions> options,
        TimeProvider time,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new RequestErrors();
        errors.CheckQuery(q);
        errors.CheckPaging(k ?? 10, offset ?? 0);
        var searchMode = errors.CheckMode(mode, options.Value.Mode);
        var filter = errors.CheckFilters(filters);
        var facetFields = errors.CheckFacets(facets is null ? null : [facets]);
        var order = errors.CheckSort(sort);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var search = new SearchSpec(q!, filter, k ?? 10, offset ?? 0, null, searchMode, options.Value.Fusion, facetFields, order, options.Value.FacetDepth);
        return TypedResults.Ok(await RunAsync(embedder, index, time, response, search, cancellationToken).ConfigureAwait(false));
    }

    /// <summary><c>POST /api/search</c> with <see cref="SearchRequest"/>.</summary>
    public static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchWithFilterAsync(
        SearchRequest request,
        IQueryEmbedder embedder,
        IProductIndex index,
        ProductSchema schema,
        IOptions<SearchOptions> options,
        TimeProvider time,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new RequestErrors();
        errors.CheckQuery(request.Q);
        errors.CheckPaging(request.K ?? 10, request.Offset ?? 0);
        var searchMode = errors.CheckMode(request.Mode, options.Value.Mode);
        errors.CheckFilter(schema, request.Filter);
        var facetFields = errors.CheckFacets(request.Facets);
        var order = errors.CheckSort(request.Sort);
        if (request.ScoreThreshold is float threshold && !float.IsFinite(threshold))
        {
            errors.Add("scoreThreshold", "scoreThreshold must be a finite number.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var search = new SearchSpec(request.Q!, request.Filter, request.K ?? 10, request.Offset ?? 0, request.ScoreThreshold, searchMode, options.Value.Fusion, facetFields, order, options.Value.FacetDepth);
        return TypedResults.Ok(await RunAsync(embedder, index, time, response, search, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Embeds the query (not in lexical mode) and searches the live generation; sets
    /// <c>Server-Timing: embed;dur=…, search;dur=…</c> (milliseconds; embed is 0 when the mode needs no vector).
    /// </summary>
    private static async Task<SearchResponse> RunAsync(
        IQueryEmbedder embedder,
        IProductIndex index,
        TimeProvider time,
        HttpResponse response,
        SearchSpec search,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var live = await index.RequireLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        var text = search.Q.Trim();
        var embedStarted = time.GetTimestamp();
        var vector = search.Mode == SearchMode.Lexical ? [] : await embedder.EmbedQueryAsync(text, cancellationToken).ConfigureAwait(false);
        var embedMs = search.Mode == SearchMode.Lexical ? 0 : time.GetElapsedTime(embedStarted).TotalMilliseconds;
        var searchStarted = time.GetTimestamp();
        var query = new ProductQuery(vector, search.Filter, search.K, search.Offset, search.ScoreThreshold) { Mode = search.Mode, Text = text, Fusion = search.Fusion };
        var faceted = search.Facets.Count > 0 || search.Sort != SearchSort.Relevance;
        var result = faceted
            ? await index.SearchFacetedAsync(live.Name, query, search.Facets, search.Sort, search.FacetDepth, cancellationToken).ConfigureAwait(false)
            : await index.SearchAsync(live.Name, query, cancellationToken).ConfigureAwait(false);
        var hits = result.Hits;
        var searchMs = time.GetElapsedTime(searchStarted).TotalMilliseconds;
        response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"embed;dur={embedMs:0.###}, search;dur={searchMs:0.###}");
        return new SearchResponse([.. hits.Select(SearchItem.From)], time.GetElapsedTime(started).TotalMilliseconds, embedder.ModelName, live.Name)
        {
            Mode = search.Mode.ToString().ToLowerInvariant(),
            Facets = result.Facets,
            Total = result.Total,
        };
    }

    /// <summary>A validated search request.</summary>
    private sealed record SearchSpec(string Q, ProductFilter? Filter, int K, int Offset, float? ScoreThreshold, SearchMode Mode, FusionSettings Fusion, IReadOnlyList<string> Facets, SearchSort Sort, int FacetDepth);
}
