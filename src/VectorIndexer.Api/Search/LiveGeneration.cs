using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Api.Search;

/// <summary>The live generation a read endpoint answers from.</summary>
internal static class LiveGeneration
{
    /// <summary>The live generation; none yet is a <see cref="GenerationNotFoundException"/>, which the API answers with 503.</summary>
    public static async Task<IndexGeneration> RequireLiveGenerationAsync(this IIndexGenerations index, CancellationToken cancellationToken) =>
        await index.GetLiveGenerationAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new GenerationNotFoundException("No generation is live yet.");
}
