using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>The one place where a host chooses its product index.</summary>
public static class ProductIndexHostingExtensions
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
