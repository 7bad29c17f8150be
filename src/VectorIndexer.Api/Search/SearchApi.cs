using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Semantic product search over the live index generation.</summary>
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
            .WithSummary("Products nearest in meaning to the query, narrowed by query-string filters.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/", SearchWithFilterAsync)
            .WithName("SearchProductsWithFilter")
            .WithSummary("Products nearest in meaning to the query, narrowed by a filter in the JSON filter model.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary><c>GET /api/search?q=…&amp;k=10&amp;offset=0&amp;brand=…&amp;minPrice=…</c></summary>
    public static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(
        [FromQuery] string? q,
        [FromQuery] int? k,
        [FromQuery] int? offset,
        [AsParameters] QueryFilters filters,
        IQueryEmbedder embedder,
        IProductIndex index,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var errors = new RequestErrors();
        errors.CheckQuery(q);
        errors.CheckPaging(k ?? 10, offset ?? 0);
        var filter = errors.CheckFilters(filters);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await RunAsync(embedder, index, time, q!, filter, k ?? 10, offset ?? 0, null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary><c>POST /api/search</c> with <see cref="SearchRequest"/>.</summary>
    public static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchWithFilterAsync(
        SearchRequest request,
        IQueryEmbedder embedder,
        IProductIndex index,
        ProductSchema schema,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new RequestErrors();
        errors.CheckQuery(request.Q);
        errors.CheckPaging(request.K ?? 10, request.Offset ?? 0);
        errors.CheckFilter(schema, request.Filter);
        if (request.ScoreThreshold is float threshold && !float.IsFinite(threshold))
        {
            errors.Add("scoreThreshold", "scoreThreshold must be a finite number.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await RunAsync(embedder, index, time, request.Q!, request.Filter, request.K ?? 10, request.Offset ?? 0, request.ScoreThreshold, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<SearchResponse> RunAsync(
        IQueryEmbedder embedder,
        IProductIndex index,
        TimeProvider time,
        string q,
        ProductFilter? filter,
        int k,
        int offset,
        float? scoreThreshold,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var live = await index.GetLiveGenerationAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new GenerationNotFoundException("No generation is live yet.");
        var vector = await embedder.EmbedQueryAsync(q.Trim(), cancellationToken).ConfigureAwait(false);
        var hits = await index.SearchAsync(live.Name, new VectorQuery(vector, filter, k, offset, scoreThreshold), cancellationToken).ConfigureAwait(false);
        return new SearchResponse([.. hits.Select(SearchItem.From)], time.GetElapsedTime(started).TotalMilliseconds, embedder.ModelName, live.Name);
    }
}
