using System.Text.Json;
using Microsoft.Extensions.Options;
using VectorIndexer.Api;
using VectorIndexer.Api.Health;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Filtering;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the query API: which product index, query embedding, errors and health.</summary>
public static class QueryApiHostingExtensions
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
