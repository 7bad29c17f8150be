using System.Text.Json;

namespace VectorIndexer.Embedding.Quantization;

/// <summary>
/// The <c>model.json</c> of a model folder made from another model: the source's settings
/// (pooling, casing, prefixes, maximum length) under a new name, plus one record of how the folder
/// was made (<c>quantization</c>, <c>fineTuning</c>), replaced whole.
/// </summary>
internal static class ModelFolderConfig
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(string path, ModelConfig config, string recordName, object record)
    {
        var json = JsonSerializer.SerializeToNode(config, Json)!.AsObject();
        json[recordName] = JsonSerializer.SerializeToNode(record, record.GetType(), Json);
        AtomicFile.Replace(path, temporary => File.WriteAllText(temporary, json.ToJsonString(Json) + "\n"));
    }
}
