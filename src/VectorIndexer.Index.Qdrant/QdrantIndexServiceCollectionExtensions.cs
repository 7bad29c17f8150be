using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.Qdrant;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Qdrant product index.</summary>
public static class QdrantIndexServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="QdrantProductIndex"/> as the <see cref="IProductIndex"/>, over one shared
    /// <see cref="QdrantClient"/> that the container creates and disposes, bound to the
    /// <c>Index:Qdrant</c> configuration section and validated at start. The host should call
    /// <see cref="QdrantProductIndex.CheckServerAsync"/> once at start to log the server version.
    /// </summary>
    public static IServiceCollection AddQdrantProductIndex(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<QdrantIndexOptions>()
            .BindConfiguration(QdrantIndexOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => QdrantProductIndex.CreateClient(
            sp.GetRequiredService<IOptions<QdrantIndexOptions>>().Value,
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => new QdrantProductIndex(
            sp.GetRequiredService<QdrantClient>(),
            sp.GetRequiredService<IOptions<QdrantIndexOptions>>().Value,
            sp.GetService<ILogger<QdrantProductIndex>>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IProductIndex>(sp => sp.GetRequiredService<QdrantProductIndex>());
        services.AddSingleton<IIndexGenerations>(sp => sp.GetRequiredService<QdrantProductIndex>());
        services.AddSingleton<IProductStore>(sp => sp.GetRequiredService<QdrantProductIndex>());
        services.AddSingleton<IProductSearch>(sp => sp.GetRequiredService<QdrantProductIndex>());
        return services;
    }
}
