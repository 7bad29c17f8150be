using Microsoft.Extensions.Hosting;
using VectorIndexer.Worker.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the indexing worker's readiness checks.</summary>
public static class WorkerHealthCheckBuilderExtensions
{
    /// <summary>How long one readiness check may take before it counts as failed.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds the checks <c>/health/ready</c> of <see cref="WorkerHealthEndpointExtensions.MapWorkerHealth"/>
    /// runs for the worker's own resources: <c>embedding-model</c> (the model is loaded) and
    /// <c>job-storage</c> (Hangfire's storage answers), tagged
    /// <see cref="WorkerHealthEndpointExtensions.ReadyTag"/>, each bounded by <see cref="ProbeTimeout"/>.
    /// The product index is the host's choice: add its check too (<c>AddProductIndexCheck</c>).
    /// Needs <c>AddEmbedding()</c> and <c>AddIndexingWorker()</c>.
    /// </summary>
    public static IHealthChecksBuilder AddIndexingWorkerChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string[] tags = [WorkerHealthEndpointExtensions.ReadyTag];
        return builder
            .AddCheck<EmbeddingModelHealthCheck>("embedding-model", failureStatus: null, tags, ProbeTimeout)
            .AddCheck<JobStorageHealthCheck>("job-storage", failureStatus: null, tags, ProbeTimeout);
    }
}
