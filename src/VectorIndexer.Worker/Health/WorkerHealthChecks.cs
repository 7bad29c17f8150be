using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Worker.Health;

/// <summary>
/// Ready when the embedding model is loaded: resolving the embedder loads it (once), so a broken
/// model folder or an unusable execution provider fails here.
/// </summary>
internal sealed class EmbeddingModelHealthCheck(IServiceProvider services, ILogger<EmbeddingModelHealthCheck> logger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var model = services.GetRequiredService<IProductEmbedder>().Model;
            return Task.FromResult(HealthCheckResult.Healthy($"Model {model.Name} ({model.Dimensions} dimensions) is loaded."));
        }
#pragma warning disable CA1031 // A probe reports any failure as unhealthy; the exception goes to the log, not the response.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ProbeFailed(logger, "embedding model", ex);
            return Task.FromResult(HealthCheckResult.Unhealthy("The embedding model could not be loaded."));
        }
    }
}

/// <summary>
/// Ready when Hangfire's job storage answers: one read through a storage connection (a hash that
/// does not exist), so PostgreSQL must accept a connection and a query, or the SQLite file must
/// open. Hangfire's storage API is synchronous: the read runs on the thread pool, and the check
/// gives up when its token fires (the registration's timeout) even if the read still waits.
/// </summary>
internal sealed class JobStorageHealthCheck(JobStorage storage, ILogger<JobStorageHealthCheck> logger) : IHealthCheck
{
    /// <summary>The key read: none of Hangfire's own, so the answer is always empty and cheap.</summary>
    internal const string ProbeKey = "vectorindexer:health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await Task.Run(Probe, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The job storage answers.");
        }
#pragma warning disable CA1031 // A probe reports any failure as unhealthy; the exception goes to the log, not the response.
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
#pragma warning restore CA1031
        {
            Log.ProbeFailed(logger, "job storage", ex);
            return HealthCheckResult.Unhealthy("The job storage is unreachable.");
        }
    }

    private void Probe()
    {
        using var connection = storage.GetConnection();
        _ = connection.GetAllEntriesFromHash(ProbeKey);
    }
}
