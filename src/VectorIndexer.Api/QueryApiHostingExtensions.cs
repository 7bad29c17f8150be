using System.Text.Json;
using Microsoft.Extensions.Options;
using VectorIndexer.Api;
using VectorIndexer.Api.Health;
using VectorIndexer.Api.Hosting;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Filtering;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the query API: query embedding, errors, health and the protections of the public endpoints.</summary>
public static class QueryApiHostingExtensions
{
    /// <summary>
    /// Registers what the endpoints need: <see cref="SearchOptions"/> (section <c>Search</c>), the
    /// cached query embedder, the filter schema, RFC 7807 problem details with a generic exception
    /// handler, the readiness check, the OpenAPI document, and from <see cref="ApiOptions"/> (section
    /// <c>Api</c>, validated at start) the rate limit of the public endpoints (<c>Api:RateLimit</c>),
    /// CORS (<c>Api:Cors</c>) and the request body limit (<c>Api:MaxRequestBodyBytes</c>, Kestrel's too).
    /// Host-agnostic; pair it with <c>app.UseApiMiddleware()</c>, and map the public endpoints with
    /// <c>.RequirePublicRateLimit()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddQueryApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SearchOptions>()
            .BindConfiguration(SearchOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<OnnxQueryEmbedder>();
        services.AddSingleton<IQueryEmbedder>(sp => new CachingQueryEmbedder(
            sp.GetRequiredService<OnnxQueryEmbedder>(),
            sp.GetRequiredService<IOptions<SearchOptions>>().Value.QueryCacheSize));
        services.AddSingleton(new ProductSchema());
        services.ConfigureHttpJsonOptions(json =>
        {
            // Clients may put the filter's "type" anywhere in the object, not only first.
            json.SerializerOptions.AllowOutOfOrderMetadataProperties = true;
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddHealthChecks()
            .AddCheck<IndexReadinessCheck>("index", tags: [HealthApi.ReadyTag]);
        services.AddOpenApi();
        services.AddApiOptions();
        services.AddRateLimiter(PublicRateLimiting.Configure);
        services.AddPublicCors();
        return builder;
    }
}
