using System.Text.Json;
using System.Text.Json.Serialization;

namespace VectorIndexer.Embedding;

/// <summary>How the model's token vectors become one sentence vector.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PoolingMode>))]
public enum PoolingMode
{
    /// <summary>Average of the token vectors under the attention mask (sentence-transformers' default).</summary>
    Mean,

    /// <summary>The vector of the [CLS] token (bge-style models).</summary>
    Cls,
}

/// <summary>
/// Optional <c>model.json</c> beside <c>model.onnx</c> and <c>vocab.txt</c>: what a model folder
/// cannot say by itself.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>A name for logs and API responses; defaults to the folder name.</summary>
    public string? Name { get; init; }

    /// <summary>The most tokens the model accepts (its position embeddings).</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>Uncased vocabularies lower-case and strip accents.</summary>
    public bool LowerCase { get; init; } = true;

    public PoolingMode Pooling { get; init; } = PoolingMode.Mean;

    /// <summary>L2-normalise the sentence vector (cosine similarity becomes a dot product).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Prepended to search queries (e.g. "query: " for e5 models).</summary>
    public string QueryPrefix { get; init; } = string.Empty;

    /// <summary>Prepended to indexed documents (e.g. "passage: " for e5 models).</summary>
    public string DocumentPrefix { get; init; } = string.Empty;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static ModelConfig Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var config = JsonSerializer.Deserialize<ModelConfig>(stream, JsonOptions)
                ?? throw new InvalidDataException($"'{path}' is empty.");
            if (config.MaxLength is < 8 or > 8192)
            {
                throw new InvalidDataException($"'{path}': maxLength must be between 8 and 8192, not {config.MaxLength}.");
            }

            return config;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid model.json: {ex.Message}", ex);
        }
    }
}
