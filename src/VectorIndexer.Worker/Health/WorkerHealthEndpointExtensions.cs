using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>The indexing worker's liveness and readiness probes.</summary>
public static class WorkerHealthEndpointExtensions
{
    /// <summary>Tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The liveness probe's path.</summary>
    public const string LivePath = "/health/live";

    /// <summary>The readiness probe's path.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>
    /// Maps <c>/health/live</c> (200 while the process answers; runs no checks: what a container's
    /// health check or a liveness probe asks) and <c>/health/ready</c> (200 when every check tagged
    /// <see cref="ReadyTag"/> passes, 503 otherwise: for the worker, the model is loaded, the product
    /// index answers and the job storage answers; a live generation is not needed, the worker creates
    /// them). Both are open to anyone (no authorization) and say only Healthy or Unhealthy; the
    /// reasons go to the log. A host maps either these or the query API's <c>MapHealthApi()</c>, which
    /// owns the same paths.
    /// </summary>
    public static RouteGroupBuilder MapWorkerHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/health").AllowAnonymous().ExcludeFromDescription();
        group.MapHealthChecks("/live", new HealthCheckOptions { Predicate = _ => false })
            .WithName("WorkerLiveness");
        group.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .WithName("WorkerReadiness");
        return group;
    }
}
