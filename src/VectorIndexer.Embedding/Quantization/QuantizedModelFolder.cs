
namespace VectorIndexer.Embedding.Quantization;

/// <summary>
/// Writes an int8 model folder from a model folder: <c>model.onnx</c> quantized, <c>vocab.txt</c>
/// copied, and <c>model.json</c> with the source's settings (pooling, casing, prefixes, maximum
/// length) plus a <c>quantization</c> record of what it was made from. The folder works with
/// <c>Embedding:ModelPath</c> like any other.
/// </summary>
public static class QuantizedModelFolder
{
    /// <summary>Appended to the source model's name: int8 vectors are not the fp32 model's vectors.</summary>
    public const string NameSuffix = "-int8";

    /// <summary>Quantizes <paramref name="source"/> into <paramref name="outputDirectory"/> (created when missing; its three files replaced).</summary>
    /// <exception cref="ModelLoadException">The source model cannot be quantized; the message says why.</exception>
    public static QuantizationReport Write(EmbeddingModel source, string outputDirectory, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        options ??= new QuantizationOptions();
        var output = Path.GetFullPath(outputDirectory);
        if (string.Equals(output, Path.GetFullPath(source.Directory), StringComparison.Ordinal))
        {
            throw new ModelLoadException($"The output folder '{output}' is the source model's folder; choose another one.");
        }

        Directory.CreateDirectory(output);
        var report = Int8Quantizer.QuantizeFile(source.OnnxPath, Path.Combine(output, "model.onnx"), options);
        AtomicFile.Replace(Path.Combine(output, "vocab.txt"), temporary => File.Copy(source.VocabPath, temporary));

        var config = source.Config with { Name = NameFor(source.Name, report.Excluded) };
        ModelFolderConfig.Write(
            Path.Combine(output, "model.json"),
            config,
            "quantization",
            new QuantizationRecord(
                source.Name,
                "model.onnx",
                report.SourceSha256,
                report.OutputSha256,
                Int8Quantizer.Method,
                [.. options.Exclude],
                [.. report.Excluded.Select(l => l.Label)],
                report.Quantized.Count));
        return report;
    }

    /// <summary>
    /// The int8 model's name: the source's with <see cref="NameSuffix"/>, and when layers were kept
    /// in fp32 a short hash of which, so that different variants never pass for one another (the
    /// name decides whether stored vectors are reused and whether the catalogue is re-embedded).
    /// </summary>
    public static string NameFor(string sourceName, IReadOnlyList<QuantizedLayer> excluded)
    {
        ArgumentNullException.ThrowIfNull(excluded);
        if (excluded.Count == 0)
        {
            return sourceName + NameSuffix;
        }

        var labels = string.Join('\n', excluded.Select(l => l.Label).Order(StringComparer.Ordinal));
        return $"{sourceName}{NameSuffix}-fp32x{excluded.Count}-{Int8Quantizer.Sha256(System.Text.Encoding.UTF8.GetBytes(labels))[..8]}";
    }
}

/// <summary>The <c>quantization</c> record in an int8 folder's model.json.</summary>
/// <param name="Source">Name of the model it was made from.</param>
/// <param name="SourceFile">Which file of that model.</param>
/// <param name="SourceSha256">SHA-256 of that file.</param>
/// <param name="Sha256">SHA-256 of the int8 model.onnx.</param>
/// <param name="Method">How the weights were quantized.</param>
/// <param name="ExcludePatterns">The exclusion patterns given.</param>
/// <param name="ExcludedLayers">The layers they matched, kept in fp32.</param>
/// <param name="QuantizedLayers">How many layers became int8.</param>
public sealed record QuantizationRecord(
    string Source,
    string SourceFile,
    string SourceSha256,
    string Sha256,
    string Method,
    IReadOnlyList<string> ExcludePatterns,
    IReadOnlyList<string> ExcludedLayers,
    int QuantizedLayers);
