using System.Text.Json;
using Grpc.Core;
using Qdrant.Client.Grpc;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Qdrant;

// The lexical settings each collection records and the encoder built from them.
public partial class QdrantProductIndex
{
    /// <summary>
    /// The encoder of the generation searched (the live one: resolved through the alias, one
    /// look-up), from its recorded settings; null when the collection has no sparse vectors.
    /// </summary>
    /// <exception cref="GenerationNotFoundException">The generation does not exist, or none is live.</exception>
    private async Task<LexicalEncoder?> GetEncoderAsync(string? generation, CancellationToken cancellationToken)
    {
        var collection = generation ?? await GetLiveCollectionAsync(cancellationToken) ?? throw NoLiveGeneration();
        if (_encoders.TryGetValue(collection, out var known))
        {
            return known;
        }

        await GetDimensionsAsync(collection, cancellationToken);
        return _encoders.GetValueOrDefault(collection);
    }

    /// <summary>Whether Qdrant refused a request because the collection has no sparse vector of ours.</summary>
    private static bool IsMissingLexicalVector(ArgumentException ex) =>
        ex.InnerException is RpcException rpc
        && rpc.Status.Detail.Contains("vector name", StringComparison.OrdinalIgnoreCase)
        && (rpc.Status.Detail.Contains(LexicalVectorName, StringComparison.Ordinal) || rpc.Status.Detail.Contains(NameVectorName, StringComparison.Ordinal));

    /// <summary>Whether the collection was created with our sparse vectors (collections from before lexical search were not).</summary>
    private static bool HasLexical(CollectionInfo info) =>
        info.Config?.Params?.SparseVectorsConfig?.Map is { } map && map.ContainsKey(LexicalVectorName) && map.ContainsKey(NameVectorName);

    /// <summary>
    /// Works out, once per collection, which encoder its documents and queries use, and warns when
    /// its recorded settings differ from the configured ones (a collection's metadata never changes).
    /// </summary>
    private void RememberLexical(string collection, CollectionInfo info)
    {
        if (!_encoders.ContainsKey(collection))
        {
            _encoders.TryAdd(collection, HasLexical(info) ? RecordedEncoder(collection, info.Config?.Metadata) : null);
        }
    }

    /// <summary>
    /// The encoder of the settings a collection records: the configured one when they are the same;
    /// one of the recorded settings when they differ; the configured one, with a warning, when the
    /// recorded settings cannot be read back (generations whose metadata holds only their text form).
    /// </summary>
    private LexicalEncoder RecordedEncoder(string collection, Google.Protobuf.Collections.MapField<string, Value>? metadata)
    {
        var configured = _lexical.Options.ToString();
        string? text = metadata is not null && metadata.TryGetValue(LexicalMetadataKey, out var t) && t.KindCase == Value.KindOneofCase.StringValue ? t.StringValue : null;
        if (metadata is null || !metadata.TryGetValue(LexicalSettingsMetadataKey, out var json) || json.KindCase != Value.KindOneofCase.StringValue)
        {
            if (!string.Equals(text, configured, StringComparison.Ordinal))
            {
                Log.LexicalSettingsUnreadable(
                    _logger,
                    collection,
                    text is null ? "none recorded" : "recorded as text only",
                    text is null ? "unknown" : LexicalDifferences(text, configured));
            }

            return _lexical;
        }

        LexicalOptions recorded;
        try
        {
            recorded = JsonSerializer.Deserialize(json.StringValue, QdrantJsonContext.Default.LexicalOptions)
                ?? throw new JsonException("the recorded settings are null");
            recorded.ThrowIfInvalid();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            Log.LexicalSettingsUnreadable(_logger, collection, ex.Message, text is null ? "unknown" : LexicalDifferences(text, configured));
            return _lexical;
        }

        var recordedText = recorded.ToString();
        if (string.Equals(recordedText, configured, StringComparison.Ordinal))
        {
            return _lexical;
        }

        Log.LexicalSettingsRecorded(_logger, collection, LexicalDifferences(recordedText, configured));
        return new LexicalEncoder(recorded);
    }

    /// <summary>
    /// The parts of two <see cref="LexicalOptions.ToString"/> texts that differ, as
    /// "recorded → configured" pairs (the whole texts when their shapes differ).
    /// </summary>
    internal static string LexicalDifferences(string recorded, string configured)
    {
        var before = recorded.Split("; ");
        var after = configured.Split("; ");
        if (before.Length != after.Length)
        {
            return $"recorded '{recorded}', configured '{configured}'";
        }

        var differences = before.Zip(after).Where(p => !string.Equals(p.First, p.Second, StringComparison.Ordinal)).Select(p => $"{p.First} → {p.Second}").ToList();
        return differences.Count == 0 ? "none" : "recorded → configured: " + string.Join("; ", differences);
    }
}
