using System.Text.Json;
using Microsoft.Extensions.Options;
using VectorIndexer.Api;
using VectorIndexer.Api.Health;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Filtering;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the query API: query embedding, errors and health.</summary>
public static class QueryApiHostingExtensions
{
    /// <summary>
    /// Registers what the endpoints need: <see cref="SearchOptions"/> (section <c>Search</c>), the
    /// cached query embedder, the filter schema, RFC 7807 problem details with a generic exception
    /// handler, the readiness check and the OpenAPI document.
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
        return builder;
    }
}
