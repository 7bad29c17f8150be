using System.Globalization;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Core.Security;
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
    /// neither is configured; a client that made too many failed attempts (<c>Worker:Dashboard:FailedAttempts</c>)
    /// gets 429 ProblemDetails with <c>Retry-After</c>. Operators start a reindex there ("Recurring jobs", "Trigger now").
    /// Needs <c>AddIndexingClient()</c> or <c>AddIndexingWorker()</c> (the job storage and options).
    /// </summary>
    public static IEndpointConventionBuilder MapIndexingDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var filter = ActivatorUtilities.CreateInstance<WorkerDashboardAuthorizationFilter>(endpoints.ServiceProvider);
        var dashboard = endpoints.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [filter],
            DashboardTitle = "VectorIndexer jobs",
            DisplayStorageConnectionString = false,
            AppPath = null,
        });

        // Hangfire answers every refusal with 401 or 403; a locked-out client gets 429 instead.
        dashboard.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } inner)
            {
                endpoint.RequestDelegate = context => AnswerLockOutAsync(context, inner, filter.Limiter);
            }
        });
        return dashboard;
    }

    private static async Task AnswerLockOutAsync(HttpContext context, RequestDelegate inner, FailedAttemptLimiter limiter)
    {
        await inner(context).ConfigureAwait(false);
        if (context.Items.TryGetValue(WorkerDashboardAuthorizationFilter.LockedOutItem, out var item) && item is TimeSpan wait && !context.Response.HasStarted)
        {
            var seconds = WorkerDashboardAuthorizationFilter.RetryAfterSeconds(wait);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many failed sign-in attempts.",
                detail: string.Create(CultureInfo.InvariantCulture, $"This client made {limiter.PermitLimit} failed attempts within {limiter.Window.TotalSeconds:0.###} seconds; retry after {seconds} seconds."))
                .ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
