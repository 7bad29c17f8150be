using VectorIndexer.Embedding;

namespace VectorIndexer.Cli.Commands;

/// <summary>How the commands read a <c>--model</c>/<c>--base</c> value: a bundled model's key, else a model folder.</summary>
internal static class ModelArgument
{
    /// <summary>The bundled model <paramref name="named"/> when no folder of that name exists, else the folder (the default bundled model when null).</summary>
    public static EmbeddingModel Open(string? named) =>
        named is not null && !Directory.Exists(named) && BundledModel.Find(named) is { } bundled
            ? EmbeddingModel.Open(null, bundled.Key)
            : EmbeddingModel.Open(named);
}
