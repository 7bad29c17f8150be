using Microsoft.AspNetCore.Http.HttpResults;
using VectorIndexer.App.StartupIndexing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The all-in-one app's own endpoint: how far the indexing of the catalogue at start has come.</summary>
public static class AppStatusApi
{
    public const string Tag = "App";

    /// <summary>Maps <c>GET /api/app/status</c>.</summary>
    public static RouteGroupBuilder MapAppStatusApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/api/app").WithTags(Tag);
        group.MapGet("/status", GetStatus)
            .WithName("GetAppStatus")
            .WithSummary("Where the indexing of the catalogue at start stands: phase, progress, products embedded and the live product count.");
        return group;
    }

    public static Ok<StartupIndexingStatus> GetStatus(StartupIndexingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return TypedResults.Ok(state.Current);
    }
}
