using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.Embedded;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded product index.</summary>
public static class EmbeddedIndexServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="EmbeddedProductIndex"/> as the singleton <see cref="IProductIndex"/>, bound to
    /// the <c>Index:Embedded</c> section and validated at start. A relative
    /// <see cref="EmbeddedIndexOptions.DataDirectory"/> is resolved under the host's content root.
    /// </summary>
    public static IServiceCollection AddEmbeddedProductIndex(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EmbeddedIndexOptions>()
            .BindConfiguration(EmbeddedIndexOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.FilterableAttributes.All(a => !string.IsNullOrWhiteSpace(a)), "Index:Embedded:FilterableAttributes must not contain an empty name.")
            .Validate(o => o.FilterableAttributes.Distinct(StringComparer.Ordinal).Count() == o.FilterableAttributes.Count, "Index:Embedded:FilterableAttributes names an attribute twice.")
            .Validate(o => Enum.IsDefined(o.Synchronous), "Index:Embedded:Synchronous must be Full or Normal.")
            .Validate(o => o.Lexical is not null && o.Lexical.Validate().Count == 0, "Index:Embedded:Lexical has a setting out of range (weights 0–100, not all 0; average lengths 1–1000000; K1 0.01–100; B 0–1).")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmbeddedIndexOptions>>().Value;
            var contentRoot = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
            var resolved = new EmbeddedIndexOptions
            {
                DataDirectory = Path.GetFullPath(options.DataDirectory, contentRoot),
                Synchronous = options.Synchronous,
                FilterableAttributes = [.. options.FilterableAttributes],
                Lexical = options.Lexical.Clone(),
            };
            return new EmbeddedProductIndex(resolved, sp.GetService<ILogger<EmbeddedProductIndex>>());
        });
        services.AddSingleton<IProductIndex>(sp => sp.GetRequiredService<EmbeddedProductIndex>());
        services.AddSingleton<IIndexGenerations>(sp => sp.GetRequiredService<EmbeddedProductIndex>());
        services.AddSingleton<IProductStore>(sp => sp.GetRequiredService<EmbeddedProductIndex>());
        services.AddSingleton<IProductSearch>(sp => sp.GetRequiredService<EmbeddedProductIndex>());
        return services;
    }
}
