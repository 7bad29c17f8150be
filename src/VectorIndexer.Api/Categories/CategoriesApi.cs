using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VectorIndexer.Api.Indexing;
using VectorIndexer.Api.Search;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;
using VectorIndexer.Embedding;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Category suggestion: the most likely category paths of a product by a similarity-weighted vote
/// of its nearest products in the live generation (<c>Search:CategoriseK</c> of them, paths below
/// <c>Search:CategoriseMinConfidence</c> left out; both can be set per request). For a product not
/// yet indexed (<c>POST /api/categorise</c>, embedded as the worker would) or a stored one
/// (<c>GET /api/products/{id}/categories</c>, itself left out, with the share of the vote its stated
/// category gets: a check of the catalogue).
/// </summary>
public static class CategoriesApi
{
    /// <summary>Maps <c>POST /api/categorise</c> and <c>GET /api/products/{id}/categories</c>.</summary>
    public static IEndpointConventionBuilder MapCategoriesApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/api").WithTags(ProductsApi.Tag);
        group.MapPost("/categorise", CategoriseAsync)
            .WithName("CategoriseProduct")
            .WithSummary("The most likely category paths of a product not yet indexed, by a similarity-weighted vote of its nearest products.")
            .Accepts<Product>("application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/products/{id}/categories", GetCategoriesAsync)
            .WithName("GetProductCategories")
            .WithSummary("The most likely category paths of a stored product by the vote of its nearest others, and the share its stated category gets.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary><c>POST /api/categorise?k=…&amp;minConfidence=…</c> with a product (<c>title</c> required, <c>id</c> optional).</summary>
    public static async Task<Results<Ok<CategoriesResponse>, ValidationProblem, ProblemHttpResult>> CategoriseAsync(
        [FromQuery] int? k,
        [FromQuery] double? minConfidence,
        HttpRequest request,
        IProductIndex index,
        OnnxEmbedder embedder,
        ProductTextComposer composer,
        IOptions<SearchOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(composer);
        ArgumentNullException.ThrowIfNull(options);
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.", detail: "Send the product with Content-Type: application/json.");
        }

        var errors = new RequestErrors();
        var (neighbours, threshold) = CheckSettings(errors, k, minConfidence, options.Value);
        var body = await ProductBatchReader.ReadOneAsync(request.Body, cancellationToken).ConfigureAwait(false);
        foreach (var (field, messages) in body.Errors)
        {
            errors.Add(field, messages[0]);
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var started = time.GetTimestamp();
        var live = await index.RequireLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        var product = body.Products[0];
        var vector = await embedder.EmbedAsync(composer.Compose(product), EmbeddingPurpose.Document, cancellationToken).ConfigureAwait(false);
        var hits = (await index.SearchAsync(live.Name, new ProductQuery(vector, Limit: neighbours), cancellationToken).ConfigureAwait(false)).Hits;
        return TypedResults.Ok(Respond(product.Category, hits, threshold, time.GetElapsedTime(started).TotalMilliseconds, live));
    }

    /// <summary><c>GET /api/products/{id}/categories?k=…&amp;minConfidence=…</c></summary>
    public static async Task<Results<Ok<CategoriesResponse>, ValidationProblem, ProblemHttpResult>> GetCategoriesAsync(
        string id,
        [FromQuery] int? k,
        [FromQuery] double? minConfidence,
        IProductIndex index,
        IOptions<SearchOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new RequestErrors();
        var (neighbours, threshold) = CheckSettings(errors, k, minConfidence, options.Value);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var started = time.GetTimestamp();
        var live = await index.RequireLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        var record = await index.GetAsync(live.Name, id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found.", detail: $"No product with id '{id}' is in the live index.");
        }

        var hits = (await index.SearchAsync(live.Name, ProductQuery.Similar(id, limit: neighbours), cancellationToken).ConfigureAwait(false)).Hits;
        return TypedResults.Ok(Respond(record.Product.Category, hits, threshold, time.GetElapsedTime(started).TotalMilliseconds, live));
    }

    private static (int K, double MinConfidence) CheckSettings(RequestErrors errors, int? k, double? minConfidence, SearchOptions options)
    {
        if (k is < 1 or > RequestErrors.MaxK)
        {
            errors.Add("k", $"k must be between 1 and {RequestErrors.MaxK}.");
        }

        if (minConfidence is < 0 or > 1 || (minConfidence is double m && double.IsNaN(m)))
        {
            errors.Add("minConfidence", "minConfidence must be between 0 and 1.");
        }

        return (k ?? options.CategoriseK, minConfidence ?? options.CategoriseMinConfidence);
    }

    private static CategoriesResponse Respond(IReadOnlyList<string> category, IReadOnlyList<SearchHit> hits, double minConfidence, double tookMs, IndexGeneration live)
    {
        var stated = category.Where(c => !string.IsNullOrEmpty(c)).ToList();
        var votes = hits.Select(h => (h.Product.Category, h.Score)).ToList();
        var vote = CategoryVote.Vote(votes, maxPaths: 5, minConfidence);
        CategoryCheck? check = null;
        if (stated.Count > 0)
        {
            var levels = CategoryVote.RankedLevels(votes, stated.Count);
            var support = levels.Select((ranked, level) => ranked.FirstOrDefault(s => s.Path.SequenceEqual(stated.Take(level + 1), StringComparer.Ordinal))?.Confidence ?? 0).ToList();
            check = new CategoryCheck(stated, support, vote.Levels.Count > 0 && vote.Levels[0].Path.SequenceEqual(stated.Take(1), StringComparer.Ordinal));
        }

        return new CategoriesResponse(vote.Paths, vote.Levels, vote.Neighbours, check, tookMs, live.Model.Name, live.Name);
    }
}

/// <summary>Suggested categories of a product.</summary>
/// <param name="Categories">Full category paths, most likely first (at most 5, none below the minimum confidence).</param>
/// <param name="Levels">The most likely path down to each level, from the root, each by its own vote.</param>
/// <param name="Neighbours">Neighbours that voted (with a category and a positive similarity).</param>
/// <param name="Stated">The product's own category against the vote; null when it has none.</param>
/// <param name="TookMs">Server time.</param>
/// <param name="Model">The embedding model of the generation.</param>
/// <param name="Generation">The generation that answered.</param>
public sealed record CategoriesResponse(IReadOnlyList<CategorySuggestion> Categories, IReadOnlyList<CategorySuggestion> Levels, int Neighbours, CategoryCheck? Stated, double TookMs, string Model, string Generation);

/// <summary>A product's stated category against its neighbours' vote.</summary>
/// <param name="Path">The stated path.</param>
/// <param name="Support">For each level of it, the share of the vote that path down to that level gets.</param>
/// <param name="AgreesAtTopLevel">Whether the vote's most likely top level is the stated one.</param>
public sealed record CategoryCheck(IReadOnlyList<string> Path, IReadOnlyList<double> Support, bool AgreesAtTopLevel);
