using VectorIndexer.Embedding;
using VectorIndexer.Embedding.Quantization;
using VectorIndexer.Training.Bert;

namespace VectorIndexer.Training;

/// <summary>
/// Writes a fine-tuned model as a model folder <c>Embedding:ModelPath</c> takes: <c>model.onnx</c>
/// (the base graph with the trained weights), the base <c>vocab.txt</c>, and <c>model.json</c> with
/// the base model's settings plus a <c>fineTuning</c> record of the base, the data, the settings and
/// the metrics. The folder is written beside its place and moved there whole, and an existing folder
/// is never replaced: a model that may be serving is not overwritten.
/// </summary>
public static class FineTunedModelFolder
{
    /// <summary>Writes the folder <paramref name="directory"/>; fails with <see cref="IOException"/> when it exists and is not empty.</summary>
    public static void Write(string directory, BertGraph graph, BertEncoder encoder, EmbeddingModel baseModel, object fineTuning)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        Write(directory, graph, encoder.ExportWeights(), baseModel, "fineTuning", fineTuning);
    }

    /// <summary>
    /// Writes the folder <paramref name="directory"/> from <paramref name="weights"/> by module name
    /// (<see cref="BertGraph.WeightNames"/>), with <paramref name="record"/> under
    /// <paramref name="recordName"/> in <c>model.json</c>; fails with <see cref="IOException"/> when
    /// the folder exists and is not empty.
    /// </summary>
    public static void Write(string directory, BertGraph graph, IReadOnlyDictionary<string, float[]> weights, EmbeddingModel baseModel, string recordName, object record)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentException.ThrowIfNullOrWhiteSpace(recordName);
        ArgumentNullException.ThrowIfNull(record);
        var target = Path.GetFullPath(directory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"'{target}' already exists and is not empty; write the model to a new folder (a model folder may be serving and is never overwritten).");
        }

        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            graph.WriteModel(Path.Combine(temporary, "model.onnx"), weights);
            File.Copy(baseModel.VocabPath, Path.Combine(temporary, "vocab.txt"));
            ModelFolderConfig.Write(Path.Combine(temporary, "model.json"), baseModel.Config with { Name = Path.GetFileName(target) }, recordName, record);
            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(temporary, target);
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }
}
