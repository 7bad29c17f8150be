using Microsoft.AspNetCore.Http.HttpResults;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>POST /api/recommend</c>: products like those a shopper viewed or bought (<c>positive</c>) and
/// unlike those they dismissed (<c>negative</c>), from the live generation's stored vectors, by
/// Qdrant's strategies (<c>average</c>: one query vector; <c>best</c>: each candidate by its best
/// positive against its best negative). The examples never come back; filters apply.
/// </summary>
public static class RecommendApi
{
    /// <summary>Maps <c>POST /api/recommend</c>.</summary>
    public static RouteHandlerBuilder MapRecommendApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPost("/api/recommend", RecommendAsync)
            .WithTags(SearchApi.Tag)
            .WithName("RecommendProducts")
            .WithSummary("Products like the positive ones and unlike the negative ones (strategy average or best), narrowed by a filter.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary><c>POST /api/recommend</c> with <see cref="RecommendRequest"/>.</summary>
    public static async Task<Results<Ok<SearchResponse>, ProblemHttpResult, ValidationProblem>> RecommendAsync(
        RecommendRequest request,
        IProductIndex index,
        ProductSchema schema,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new RequestErrors();
        var positive = request.Positive ?? [];
        var negative = request.Negative ?? [];
        if (positive.Count == 0)
        {
            errors.Add("positive", "positive must name at least one product id.");
        }

        if (positive.Count + negative.Count > RecommendInput.MaxExamples)
        {
            errors.Add(negative.Count > 0 ? "negative" : "positive", $"positive and negative together take at most {RecommendInput.MaxExamples} product ids, not {positive.Count + negative.Count}.");
        }

        if (positive.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("positive", "positive holds an empty product id.");
        }

        if (negative.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("negative", "negative holds an empty product id.");
        }

        var strategy = request.Strategy?.Trim().ToLowerInvariant() switch
        {
            null or "" or "average" or "average_vector" => RecommendStrategy.Average,
            "best" or "best_score" => RecommendStrategy.BestScore,
            _ => (RecommendStrategy?)null,
        };
        if (strategy is null)
        {
            errors.Add("strategy", "strategy must be average or best.");
        }

        errors.CheckPaging(request.K ?? 10, request.Offset ?? 0);
        errors.CheckFilter(schema, request.Filter);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var started = time.GetTimestamp();
        var live = await index.RequireLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        var query = ProductQuery.Recommendation(positive, negative, strategy!.Value, request.Filter, request.K ?? 10, request.Offset ?? 0);
        IReadOnlyList<SearchHit> hits;
        try
        {
            hits = (await index.SearchAsync(live.Name, query, cancellationToken).ConfigureAwait(false)).Hits;
        }
        catch (UnknownProductsException ex)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Product not found.",
                detail: $"No product with id {string.Join(", ", ex.ProductIds.Select(id => $"'{id}'"))} is in the live index.",
                extensions: new Dictionary<string, object?> { ["productIds"] = ex.ProductIds });
        }

        return TypedResults.Ok(new SearchResponse([.. hits.Select(SearchItem.From)], time.GetElapsedTime(started).TotalMilliseconds, live.Model.Name, live.Name)
        {
            Mode = strategy == RecommendStrategy.BestScore ? "recommend-best" : "recommend-average",
        });
    }
}

/// <summary>Body of <c>POST /api/recommend</c>.</summary>
/// <param name="Positive">Ids of products to find more like (1 to 50 with the negatives).</param>
/// <param name="Negative">Ids of products to move away from.</param>
/// <param name="K">Results (1-100, default 10).</param>
/// <param name="Offset">Results to skip (default 0).</param>
/// <param name="Filter">A filter in the JSON filter model, as <c>POST /api/search</c> takes.</param>
/// <param name="Strategy"><c>average</c> (default) or <c>best</c>.</param>
public sealed record RecommendRequest(IReadOnlyList<string>? Positive, IReadOnlyList<string>? Negative = null, int? K = null, int? Offset = null, ProductFilter? Filter = null, string? Strategy = null);
