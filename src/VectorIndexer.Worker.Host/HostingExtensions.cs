using Hangfire;
using VectorIndexer.Worker.Dashboard;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the worker host: which product index, and the dashboard.</summary>
public static class HostingExtensions
{
    /// <summary>Configuration key that picks the product index: <c>embedded</c> (default) or <c>qdrant</c>.</summary>
    public const string IndexProviderKey = "Index:Provider";

    /// <summary>Registers the product index named by <c>Index:Provider</c>.</summary>
    /// <exception cref="InvalidOperationException">An unknown provider, naming the setting.</exception>
    public static IHostApplicationBuilder AddProductIndex(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration[IndexProviderKey];
        switch (provider?.Trim().ToUpperInvariant())
        {
            case null or "" or "EMBEDDED":
                builder.Services.AddEmbeddedProductIndex();
                break;
            case "QDRANT":
                builder.Services.AddQdrantProductIndex();
                break;
            default:
                throw new InvalidOperationException($"{IndexProviderKey} is '{provider}'; use 'embedded' or 'qdrant'.");
        }

        return builder;
    }
}

/// <summary>Maps the Hangfire dashboard with the worker's authorization.</summary>
public static class DashboardEndpointExtensions
{
    /// <summary>The dashboard's path.</summary>
    public const string DashboardPath = "/hangfire";

    /// <summary>
    /// Maps the Hangfire dashboard at <see cref="DashboardPath"/>: open to local requests in
    /// Development, elsewhere only with <c>Worker:Dashboard</c>'s key or credentials; closed when
    /// neither is configured. Operators start a reindex there ("Recurring jobs", "Trigger now").
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
