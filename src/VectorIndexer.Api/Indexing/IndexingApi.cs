using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VectorIndexer.Api;
using VectorIndexer.Api.Indexing;
using VectorIndexer.Api.Security;
using VectorIndexer.Catalog;
using VectorIndexer.Worker;
using VectorIndexer.Worker.Storage;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The write side: pushing and deleting products, starting a reindex and following jobs. Every
/// endpoint requires the API key (<see cref="ApiKeyDefaults.HeaderName"/>); the work is stored
/// durably and done by the indexing worker, so the answer is 202 with the job to follow.
/// </summary>
public static class IndexingApi
{
    public const string Tag = "Indexing";

    /// <summary>The route name of <c>GET /api/jobs/{id}</c>, which the 202 answers link to.</summary>
    public const string GetJobRouteName = "GetIndexingJob";

    /// <summary>
    /// Maps <c>POST /api/products</c>, <c>DELETE /api/products/{id}</c>, <c>POST /api/reindex</c>,
    /// <c>GET /api/jobs/{id}</c> and the parked-batch endpoints under <c>/api/batches</c>, all behind <see cref="ApiKeyDefaults.Policy"/>. Needs
    /// <c>builder.AddIndexingApi()</c>.
    /// </summary>
    public static RouteGroupBuilder MapIndexingApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/api").WithTags(Tag).RequireAuthorization(ApiKeyDefaults.Policy);
        group.MapPost("/products", PushProductsAsync)
            .WithName("PushProducts")
            .WithSummary("Stores a batch of products (a JSON array, or {\"products\": [...]}) and enqueues the job that embeds and indexes them.")
            .Accepts<ProductBatch>("application/json")
            .WithAuthProblems()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapDelete("/products/{id}", DeleteProductAsync)
            .WithName("DeleteProduct")
            .WithSummary("Stores the deletion of a product and enqueues the job that removes it from the index.")
            .WithAuthProblems();
        group.MapPost("/reindex", StartReindexAsync)
            .WithName("StartReindex")
            .WithSummary("Starts a full reindex from the configured feed, or from a feed named in Api:Feeds; returns the running one's id if a reindex is already under way.")
            .WithAuthProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/jobs/{id}", GetJobAsync)
            .WithName(GetJobRouteName)
            .WithSummary("The state of an indexing job: progress, rate, ETA, accepted and rejected records, bad-record report and message.")
            .WithAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/batches", ListBatchesAsync)
            .WithName("ListBatches")
            .WithSummary("Pushed batches by state: parked (failed for good and set aside, the default) or pending (waiting for their job), oldest first.")
            .WithAuthProblems();
        group.MapGet("/batches/{id}", GetBatchAsync)
            .WithName("GetBatch")
            .WithSummary("A pushed batch: pending, applied (and to which generation) or parked (and why).")
            .WithAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/batches/{id}/retry", RetryBatchAsync)
            .WithName("RetryBatch")
            .WithSummary("Sends a parked batch again as a new batch at the end of the queue; products pushed since the original keep their newer version.")
            .WithAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/batches/{id}", DiscardBatchAsync)
            .WithName("DiscardBatch")
            .WithSummary("Discards a parked batch; the index keeps what it has for its products.")
            .WithAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary><c>GET /api/batches?state=parked|pending&amp;limit=100</c></summary>
    public static async Task<Results<Ok<BatchListResponse>, ValidationProblem>> ListBatchesAsync(
        [FromQuery] string? state,
        [FromQuery] int? limit,
        PendingBatchStore batches,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var wanted = state?.Trim().ToUpperInvariant() switch
        {
            null or "" or "PARKED" => PendingBatchState.Parked,
            "PENDING" => PendingBatchState.Pending,
            _ => (PendingBatchState?)null,
        };
        if (wanted is null)
        {
            errors["state"] = [$"'{state}' is not a state to list; use parked (the default) or pending."];
        }

        if (limit is < 1 or > MaxBatchListLimit)
        {
            errors["limit"] = [string.Create(CultureInfo.InvariantCulture, $"limit must be between 1 and {MaxBatchListLimit}.")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var count = limit ?? 100;
        var list = wanted == PendingBatchState.Parked
            ? await batches.ListParkedAsync(count, cancellationToken).ConfigureAwait(false)
            : await batches.ListUnappliedThroughAsync(long.MaxValue, count, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new BatchListResponse([.. list.Select(BatchResponse.From)]));
    }

    /// <summary><c>GET /api/batches/{id}</c></summary>
    public static async Task<Results<Ok<BatchResponse>, ProblemHttpResult>> GetBatchAsync(
        string id,
        PendingBatchStore batches,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return await FindBatchAsync(batches, id, cancellationToken).ConfigureAwait(false) is { } batch
            ? TypedResults.Ok(BatchResponse.From(batch))
            : BatchNotFound(id);
    }

    /// <summary><c>POST /api/batches/{id}/retry</c></summary>
    public static async Task<Results<Accepted<AcceptedJob>, ProblemHttpResult>> RetryBatchAsync(
        string id,
        HttpContext context,
        IndexingJobScheduler scheduler,
        PendingBatchStore batches,
        LinkGenerator links,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(batches);
        if (await FindBatchAsync(batches, id, cancellationToken).ConfigureAwait(false) is not { } batch)
        {
            return BatchNotFound(id);
        }

        // Not cancelled by a client that goes away: once requeued, its job is enqueued too.
        var scheduled = batch.State == PendingBatchState.Parked
            ? await scheduler.RetryParkedAsync(id, CancellationToken.None).ConfigureAwait(false)
            : null;
        return scheduled is null
            ? NotParked(batch)
            : Accepted(context, links, scheduled.JobId, scheduled.BatchId);
    }

    /// <summary><c>DELETE /api/batches/{id}</c></summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DiscardBatchAsync(
        string id,
        IndexingJobScheduler scheduler,
        PendingBatchStore batches,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(batches);
        if (await FindBatchAsync(batches, id, cancellationToken).ConfigureAwait(false) is not { } batch)
        {
            return BatchNotFound(id);
        }

        return batch.State == PendingBatchState.Parked && await scheduler.DiscardParkedAsync(id, CancellationToken.None).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : NotParked(batch);
    }

    private const int MaxBatchListLimit = 1000;

    private static async Task<PendingBatch?> FindBatchAsync(PendingBatchStore batches, string id, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(id) || id.Length > 128 ? null : await batches.GetAsync(id, cancellationToken).ConfigureAwait(false);

    private static ProblemHttpResult BatchNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Batch not found.", detail: $"There is no pushed batch with id '{id}' (a batch sent again gets a new id; applied batches are purged after a while).");

    private static ProblemHttpResult NotParked(PendingBatch batch) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The batch is not parked.",
            detail: $"Batch {batch.Id} is {batch.State.ToString().ToLowerInvariant()}; only a parked batch can be sent again or discarded.");

    /// <summary><c>POST /api/products</c> with <see cref="ProductBatch"/> or an array of products.</summary>
    public static async Task<Results<Accepted<AcceptedJob>, ValidationProblem, ProblemHttpResult>> PushProductsAsync(
        HttpContext context,
        IndexingJobScheduler scheduler,
        IOptions<ApiOptions> options,
        LinkGenerator links,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(options);
        if (!context.Request.HasJsonContentType())
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The body must be JSON.",
                detail: "Send the products with Content-Type: application/json.");
        }

        var batch = await ProductBatchReader.ReadAsync(context.Request.Body, options.Value.MaxBatchSize, cancellationToken).ConfigureAwait(false);
        if (!batch.IsValid)
        {
            return TypedResults.ValidationProblem(batch.Errors);
        }

        // Not cancelled by a client that goes away: once the batch is being stored, its job is enqueued too.
        var scheduled = await scheduler.EnqueueUpsertAsync(batch.Products, CancellationToken.None).ConfigureAwait(false);
        return Accepted(context, links, scheduled.JobId, scheduled.BatchId);
    }

    /// <summary><c>DELETE /api/products/{id}</c></summary>
    public static async Task<Results<Accepted<AcceptedJob>, ValidationProblem>> DeleteProductAsync(
        string id,
        HttpContext context,
        IndexingJobScheduler scheduler,
        LinkGenerator links)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (CheckId(id) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["id"] = [problem] });
        }

        var scheduled = await scheduler.EnqueueDeleteAsync([id], CancellationToken.None).ConfigureAwait(false);
        return Accepted(context, links, scheduled.JobId, scheduled.BatchId);
    }

    /// <summary>
    /// <c>POST /api/reindex</c> (the default feed, <c>Worker:RecurringReindex:FeedLocation</c>) or
    /// <c>POST /api/reindex?feed=&lt;name&gt;</c> (a feed configured under <c>Api:Feeds</c>). Clients
    /// name feeds; they never pass a path, so a request cannot make the worker read an arbitrary file.
    /// </summary>
    public static async Task<Results<Accepted<AcceptedJob>, ValidationProblem, ProblemHttpResult>> StartReindexAsync(
        [FromQuery] string? feed,
        HttpContext context,
        IndexingJobScheduler scheduler,
        IOptions<ApiOptions> api,
        IOptions<WorkerOptions> worker,
        LinkGenerator links)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(worker);
        string location;
        string? mapping;
        if (string.IsNullOrWhiteSpace(feed))
        {
            var recurring = worker.Value.RecurringReindex;
            if (string.IsNullOrWhiteSpace(recurring.FeedLocation))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "No catalogue feed is configured.",
                    detail: api.Value.Feeds.Count == 0
                        ? "There is no default feed to reindex from: an operator must set Worker:RecurringReindex:FeedLocation (or configure named feeds under Api:Feeds)."
                        : $"There is no default feed (Worker:RecurringReindex:FeedLocation); name one of the configured feeds with ?feed=: {FeedNames(api.Value)}.");
            }

            (location, mapping) = (recurring.FeedLocation, recurring.Mapping);
        }
        else if (FindFeed(api.Value, feed) is { } named)
        {
            (location, mapping) = (named.Location!, named.Mapping);
        }
        else
        {
            var message = api.Value.Feeds.Count == 0
                ? $"There is no feed named '{feed}': no named feeds are configured (Api:Feeds); leave feed out to reindex from the default feed."
                : $"There is no feed named '{feed}'; configured feeds: {FeedNames(api.Value)}.";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["feed"] = [message] });
        }

        var jobId = await scheduler.EnqueueReindexAsync(location, mapping, CancellationToken.None).ConfigureAwait(false);
        return Accepted(context, links, jobId, batchId: null);
    }

    /// <summary><c>GET /api/jobs/{id}</c></summary>
    public static async Task<Results<Ok<JobStatusResponse>, ProblemHttpResult>> GetJobAsync(
        string id,
        JobStatusStore statuses,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var status = string.IsNullOrWhiteSpace(id) || id.Length > 128
            ? null
            : await statuses.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return status is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found.", detail: $"There is no indexing job with id '{id}'.")
            : TypedResults.Ok(JobStatusResponse.From(status));
    }

    private static RouteHandlerBuilder WithAuthProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static Accepted<AcceptedJob> Accepted(HttpContext context, LinkGenerator links, string jobId, string? batchId)
    {
        var statusUrl = links.GetPathByName(context, GetJobRouteName, new RouteValueDictionary { ["id"] = jobId })
            ?? "/api/jobs/" + Uri.EscapeDataString(jobId);
        return TypedResults.Accepted(statusUrl, new AcceptedJob(jobId, batchId, statusUrl));
    }

    /// <summary>The feed's rule for ids: not blank, at most 128 characters, no control characters. Null when valid.</summary>
    private static string? CheckId(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return "The product id is required.";
        }

        if (id.Length > FeedReaderOptions.MaxIdLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The product id is {id.Length} characters long; the most allowed is {FeedReaderOptions.MaxIdLength}.");
        }

        return id.Any(char.IsControl) ? "The product id contains control characters (a line break, a tab)." : null;
    }

    private static ApiFeedOptions? FindFeed(ApiOptions options, string name) =>
        options.Feeds.FirstOrDefault(f => string.Equals(f.Key, name.Trim(), StringComparison.OrdinalIgnoreCase)).Value;

    private static string FeedNames(ApiOptions options) => string.Join(", ", options.Feeds.Keys.Order(StringComparer.OrdinalIgnoreCase));
}
