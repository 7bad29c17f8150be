using System.Text.Json;
using VectorIndexer.Core;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Api.Indexing;

/// <summary>
/// The body of <c>POST /api/products</c>: <c>{"products": [...]}</c>, or the array of products on its
/// own. Fields as in <see cref="Product"/> (camelCase), checked by the catalogue feed's rules.
/// </summary>
/// <param name="Products">1 to <c>Api:MaxBatchSize</c> products with distinct ids.</param>
public sealed record ProductBatch(IReadOnlyList<Product> Products);

/// <summary>Work accepted (202): the job that carries it out and where to follow it.</summary>
/// <param name="JobId">The indexing job.</param>
/// <param name="BatchId">The stored batch of a push or delete; null for a reindex.</param>
/// <param name="StatusUrl">Where <c>GET</c> returns the job's status (also the <c>Location</c> header).</param>
public sealed record AcceptedJob(string JobId, string? BatchId, string StatusUrl);

/// <summary>A rejected record of a reindex's feed.</summary>
/// <param name="Line">The feed line (1-based) it starts on.</param>
/// <param name="Reason">Why it was rejected.</param>
public sealed record BadRecord(long Line, string Reason);

/// <summary>Where an indexing job stands.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Kind"><c>fullReindex</c>, <c>upsert</c> or <c>delete</c>.</param>
/// <param name="State"><c>enqueued</c>, <c>running</c>, <c>interrupted</c> (resumes), <c>retrying</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c> or <c>parked</c> (a push or delete whose batch failed for good: see <c>GET /api/batches/{batchId}</c>).</param>
/// <param name="Finished">Whether the state is final (succeeded, failed, cancelled, parked).</param>
/// <param name="Processed">Records handled so far (indexed or rejected).</param>
/// <param name="Total">Records in all, where known.</param>
/// <param name="Accepted">Records indexed.</param>
/// <param name="Rejected">Records rejected.</param>
/// <param name="RatePerSecond">Records handled per second.</param>
/// <param name="EtaSeconds">Estimated seconds left, where known.</param>
/// <param name="Message">For a person: why it failed, or what it did.</param>
/// <param name="BadRecords">The first rejected records of a reindex, by feed line.</param>
/// <param name="Generation">The index generation a reindex builds.</param>
/// <param name="BatchId">The pushed batch a push or delete applies.</param>
/// <param name="CreatedAt">When the job was accepted.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="FinishedAt">When it finished.</param>
public sealed record JobStatusResponse(
    string JobId,
    string Kind,
    string State,
    bool Finished,
    long Processed,
    long? Total,
    long Accepted,
    long Rejected,
    double RatePerSecond,
    double? EtaSeconds,
    string? Message,
    IReadOnlyList<BadRecord> BadRecords,
    string? Generation,
    string? BatchId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>The response for a stored status. The feed's location (a server path) is left out.</summary>
    public static JobStatusResponse From(JobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new JobStatusResponse(
            status.JobId,
            JsonNamingPolicy.CamelCase.ConvertName(status.Kind.ToString()),
            JsonNamingPolicy.CamelCase.ConvertName(status.State.ToString()),
            status.IsFinished,
            status.Processed,
            status.Total,
            status.Accepted,
            status.Rejected,
            status.RatePerSecond,
            status.Eta?.TotalSeconds,
            status.Message,
            [.. status.BadRecords.Select(r => new BadRecord(r.LineNumber, r.Reason))],
            status.Generation,
            status.BatchId,
            status.CreatedAt,
            status.UpdatedAt,
            status.FinishedAt);
    }
}

/// <summary>A pushed batch.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Sequence">Its place in the order batches are applied in.</param>
/// <param name="Kind"><c>upsert</c> or <c>delete</c>.</param>
/// <param name="State"><c>pending</c>, <c>applied</c> or <c>parked</c>.</param>
/// <param name="ProductIds">The products it upserts or deletes.</param>
/// <param name="CreatedAt">When it was stored (for a batch sent again, when it was sent again).</param>
/// <param name="AppliedAt">When it reached the index.</param>
/// <param name="AppliedGeneration">The generation it reached.</param>
/// <param name="ParkedAt">When it was parked.</param>
/// <param name="ParkReason">Why it was parked.</param>
/// <param name="RetryOf">For a batch sent again, the sequence of the original push.</param>
public sealed record BatchResponse(
    string BatchId,
    long Sequence,
    string Kind,
    string State,
    IReadOnlyList<string> ProductIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? AppliedAt,
    string? AppliedGeneration,
    DateTimeOffset? ParkedAt,
    string? ParkReason,
    long? RetryOf)
{
    public static BatchResponse From(PendingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new BatchResponse(
            batch.Id,
            batch.Sequence,
            JsonNamingPolicy.CamelCase.ConvertName(batch.Kind.ToString()),
            JsonNamingPolicy.CamelCase.ConvertName(batch.State.ToString()),
            batch.ProductIds,
            batch.CreatedAt,
            batch.AppliedAt,
            batch.AppliedGeneration,
            batch.ParkedAt,
            batch.ParkReason,
            batch.RetryOf);
    }
}

/// <summary>Batches of one state, oldest first.</summary>
/// <param name="Batches">The batches.</param>
public sealed record BatchListResponse(IReadOnlyList<BatchResponse> Batches);
