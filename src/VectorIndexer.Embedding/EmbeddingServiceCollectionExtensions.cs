using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Embedding;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedding engine.</summary>
public static class EmbeddingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OnnxEmbedder"/> (one shared ONNX session), the
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over it and the
    /// <see cref="ProductTextComposer"/>, bound to the <c>Embedding</c> and <c>ProductText</c>
    /// configuration sections and validated at start.
    /// </summary>
    public static IServiceCollection AddEmbedding(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EmbeddingOptions>()
            .BindConfiguration(EmbeddingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ProductTextOptions>()
            .BindConfiguration(ProductTextOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => new OnnxEmbedder(
            sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value,
            sp.GetRequiredService<ILogger<OnnxEmbedder>>()));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new OnnxEmbeddingGenerator(sp.GetRequiredService<OnnxEmbedder>()));
        services.AddSingleton(sp => new ProductTextComposer(sp.GetRequiredService<IOptions<ProductTextOptions>>().Value));
        return services;
    }
}
