using Microsoft.Extensions.Diagnostics.HealthChecks;
using VectorIndexer.Api.Search;
using VectorIndexer.Index.Hosting;

namespace VectorIndexer.Api.Health;

/// <summary>
/// Ready when the embedding model loads, the index answers and a generation of that model is live.
/// Whether the index answers is asked the same way as in the worker (<see cref="ProductIndexHealthCheck.ProbeAsync"/>).
/// </summary>
internal sealed partial class IndexReadinessCheck(IServiceProvider services, ILogger<IndexReadinessCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string model;
        try
        {
            // Resolving the embedder loads the model (once); a broken model folder fails here.
            model = services.GetRequiredService<IQueryEmbedder>().ModelName;
        }
#pragma warning disable CA1031 // A probe reports any failure as unhealthy; the exception goes to the log, not the response.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogProbeFailed(logger, "embedding model", ex);
            return HealthCheckResult.Unhealthy("The embedding model could not be loaded.");
        }

        var probe = await ProductIndexHealthCheck.ProbeAsync(services, logger, cancellationToken).ConfigureAwait(false);
        if (!probe.IsReachable)
        {
            return HealthCheckResult.Unhealthy(ProductIndexHealthCheck.UnreachableDescription);
        }

        if (probe.LiveGeneration is not { } live)
        {
            return HealthCheckResult.Unhealthy("No index generation is live yet.");
        }

        return string.Equals(live.Model.Name, model, StringComparison.Ordinal)
            ? HealthCheckResult.Healthy($"Generation {live.Name} is live.")
            : HealthCheckResult.Unhealthy($"The live generation holds vectors of another model than {model}.");
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Readiness probe: the {Component} failed")]
    private static partial void LogProbeFailed(ILogger logger, string component, Exception exception);
}
