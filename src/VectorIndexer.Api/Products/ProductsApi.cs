using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Indexing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Product lookup and "more like this" over the live index generation.</summary>
public static class ProductsApi
{
    public const string Tag = "Products";

    /// <summary>Maps <c>GET /api/products/{id}</c> and <c>GET /api/products/{id}/similar</c>.</summary>
    public static RouteGroupBuilder MapProductsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/api/products").WithTags(Tag);
        group.MapGet("/{id}", GetProductAsync)
            .WithName("GetProduct")
            .WithSummary("A product of the live index generation.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{id}/similar", GetSimilarAsync)
            .WithName("GetSimilarProducts")
            .WithSummary("Products nearest to a product, excluding itself, narrowed by query-string filters.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetProductAsync(
        string id,
        IProductIndex index,
        CancellationToken cancellationToken)
    {
        var live = await index.RequireLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        var record = await index.GetAsync(live.Name, id, cancellationToken).ConfigureAwait(false);
        return record is null
            ? UnknownProduct(id)
            : TypedResults.Ok(new ProductResponse(record.Product, live.Name));
    }

    public static async Task<Results<Ok<SearchResponse>, ProblemHttpResult, ValidationProblem>> GetSimilarAsync(
        string id,
        [FromQuery] int? k,
        [FromQuery] int? offset,
        [AsParameters] QueryFilters filters,
        IProductIndex index,
        IQueryEmbedder embedder,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(embedder);
        var errors = new RequestErrors();
        errors.CheckPaging(k ?? 10, offset ?? 0);
        var filter = errors.CheckFilters(filters);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var started = time.GetTimestamp();
        var live = await index.RequireLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        if (await index.GetAsync(live.Name, id, cancellationToken).ConfigureAwait(false) is null)
        {
            return UnknownProduct(id);
        }

        var hits = (await index.SearchAsync(live.Name, ProductQuery.Similar(id, filter, limit: k ?? 10, offset: offset ?? 0), cancellationToken).ConfigureAwait(false)).Hits;
        return TypedResults.Ok(new SearchResponse([.. hits.Select(SearchItem.From)], time.GetElapsedTime(started).TotalMilliseconds, live.Model.Name, live.Name));
    }

    private static ProblemHttpResult UnknownProduct(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Product not found.",
        detail: $"No product with id '{id}' is in the live index.");
}
