using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Hosting;

/// <summary>What <see cref="ProductIndexHealthCheck.ProbeAsync"/> found.</summary>
/// <param name="IsReachable">The index answered.</param>
/// <param name="LiveGeneration">Its live generation; null when it did not answer or none is live yet.</param>
public sealed record ProductIndexProbeResult(bool IsReachable, IndexGeneration? LiveGeneration);

/// <summary>
/// Healthy when the product index the host runs on (<c>Index:Provider</c>) answers: it is asked for
/// its live generation, and having none yet is healthy (a worker creates generations). Hosts that
/// need more, like the query API's readiness (a live generation of its model), call
/// <see cref="ProbeAsync"/> and judge its result themselves.
/// </summary>
public sealed partial class ProductIndexHealthCheck(IServiceProvider services, ILogger<ProductIndexHealthCheck> logger) : IHealthCheck
{
    /// <summary>The check's name where <c>AddProductIndexCheck</c> registers it.</summary>
    public const string DefaultName = "product-index";

    /// <summary>What a check reports when the index did not answer (the reason goes to the log only).</summary>
    public const string UnreachableDescription = "The product index is unreachable.";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = await ProbeAsync(services, logger, cancellationToken).ConfigureAwait(false);
        if (!probe.IsReachable)
        {
            return HealthCheckResult.Unhealthy(UnreachableDescription);
        }

        return HealthCheckResult.Healthy(probe.LiveGeneration is { } live
            ? $"The product index answers; generation {live.Name} is live."
            : "The product index answers; no generation is live yet.");
    }

    /// <summary>
    /// Asks the <see cref="IProductIndex"/> in <paramref name="services"/> for its live generation.
    /// Any failure (resolving the index included) is logged to <paramref name="logger"/> and
    /// reported as unreachable; only the cancellation of <paramref name="cancellationToken"/> (a
    /// check's timeout) is thrown.
    /// </summary>
    public static async Task<ProductIndexProbeResult> ProbeAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            var live = await services.GetRequiredService<IProductIndex>().GetLiveGenerationAsync(cancellationToken).ConfigureAwait(false);
            return new ProductIndexProbeResult(IsReachable: true, live);
        }
#pragma warning disable CA1031 // A probe reports any failure as unhealthy; the exception goes to the log, not the response.
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
#pragma warning restore CA1031
        {
            LogUnreachable(logger, ex);
            return new ProductIndexProbeResult(IsReachable: false, LiveGeneration: null);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Health probe: the product index did not answer")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}
