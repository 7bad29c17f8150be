using System.Text.Json;
using Microsoft.Extensions.Logging;
using VectorIndexer.Embedding.Quantization;

namespace VectorIndexer.Embedding;

/// <summary>The int8 variants of a model.</summary>
public sealed partial class EmbeddingModel
{
    private EmbeddingPrecision? _precision;

    /// <summary>
    /// <see cref="EmbeddingPrecision.Int8"/> when the folder was made by <c>vectorindexer quantize</c>
    /// (its model.json has a <c>quantization</c> record), otherwise <see cref="EmbeddingPrecision.Fp32"/>.
    /// </summary>
    public EmbeddingPrecision Precision => _precision ??= ReadPrecision(Path.Combine(Directory, "model.json"));

    /// <summary>
    /// The model to run for <paramref name="precision"/> on <paramref name="executionProvider"/>: this
    /// one, or for the bundled model in int8 its quantized copy (made when missing or wrong).
    /// </summary>
    /// <exception cref="ModelLoadException">int8 was asked for a model folder of one's own that is not quantized, or the int8 copy cannot be made.</exception>
    public EmbeddingModel ForPrecision(EmbeddingPrecision precision, string executionProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var cpu = string.Equals(executionProvider, "CPUExecutionProvider", StringComparison.Ordinal);
        switch (precision)
        {
            case EmbeddingPrecision.Fp32:
            case EmbeddingPrecision.Auto when Bundled is null || !cpu:
                return this;
            case EmbeddingPrecision.Int8 when Bundled is null:
                if (Precision == EmbeddingPrecision.Int8)
                {
                    return this;
                }

                throw new ModelLoadException($"Embedding:Precision is int8, but the model in '{Directory}' is not quantized; Embedding:Precision int8 quantizes the bundled model only. Run 'vectorindexer quantize --model \"{Directory}\" --out DIR' and set Embedding:ModelPath to DIR (with Embedding:Precision fp32 or auto), or set Embedding:Precision to fp32.");
            default:
                if (!cpu)
                {
                    Log.Int8OnGpu(logger, Name, executionProvider);
                }

                var folder = BundledInt8Models.Ensure(this, logger);
                var int8 = Open(folder);
                int8._precision = EmbeddingPrecision.Int8;
                return int8;
        }
    }

    private static EmbeddingPrecision ReadPrecision(string configPath)
    {
        if (!File.Exists(configPath))
        {
            return EmbeddingPrecision.Fp32;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(configPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("quantization", out _)
                ? EmbeddingPrecision.Int8
                : EmbeddingPrecision.Fp32;
        }
        catch (JsonException)
        {
            return EmbeddingPrecision.Fp32;
        }
    }
}
