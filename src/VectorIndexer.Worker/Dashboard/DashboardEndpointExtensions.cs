using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Worker.Dashboard;

namespace Microsoft.Extensions.Hosting;

/// <summary>Maps the Hangfire dashboard with the worker's authorization.</summary>
public static class DashboardEndpointExtensions
{
    /// <summary>The dashboard's path.</summary>
    public const string DashboardPath = "/hangfire";

    /// <summary>
    /// Maps the Hangfire dashboard at <see cref="DashboardPath"/>: open to local requests in
    /// Development, elsewhere only with <c>Worker:Dashboard</c>'s key or credentials; closed when
    /// neither is configured. Operators start a reindex there ("Recurring jobs", "Trigger now").
    /// Needs <c>AddIndexingClient()</c> or <c>AddIndexingWorker()</c> (the job storage and options).
    /// </summary>
    public static IEndpointConventionBuilder MapIndexingDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var filter = ActivatorUtilities.CreateInstance<WorkerDashboardAuthorizationFilter>(endpoints.ServiceProvider);
        return endpoints.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [filter],
            DashboardTitle = "VectorIndexer jobs",
            DisplayStorageConnectionString = false,
            AppPath = null,
        });
    }
}
